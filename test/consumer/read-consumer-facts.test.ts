import { describe, expect, it } from 'vitest';
import { consumerFactNeeds, readConsumerFacts } from '../../src/arm/read-consumer-facts.js';
import { parseArmId, type ArmId } from '../../src/ids/arm-id.js';
import { createInvocationCaches } from '../../src/pipeline/invocation-caches.js';
import { reconcileTarget } from '../../src/pipeline/reconcile-target.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { createFakeArm, FakeArmError, type FakeArm } from '../support/fake-arm-client.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';
import { reconcileDepsFactory } from '../support/reconcile-deps.js';
import { compile, CONSUMER, policy, TARGET } from '../policy/policy-builders.js';

const PE = (name: string): string => `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}`;
const NIC = (name: string): string => `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/${name}.nic.5e6f7a8b`;

function targetId(text: string): ArmId {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

/** A consumer endpoint as a real Pending one reads: no IP of its own, a NIC, its message on the manual entry. */
function addConsumer(arm: FakeArm, name: string, options: { ip?: string; message?: string; nicReadable?: boolean } = {}): string {
  const endpointId = PE(name);
  arm.endpoints.set(endpointId.toLowerCase(), {
    id: endpointId,
    properties: {
      subnet: { id: `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/app/subnets/pe` },
      ipConfigurations: [],
      customDnsConfigs: [],
      networkInterfaces: [{ id: NIC(name) }],
      privateLinkServiceConnections: [],
      manualPrivateLinkServiceConnections: [
        { name, properties: { privateLinkServiceId: TARGET, requestMessage: options.message ?? 'CHG004211 payments app', privateLinkServiceConnectionState: { status: 'Pending', description: 'Awaiting approval' } } },
      ],
    },
  });
  if (options.nicReadable !== false) {
    arm.networkInterfaces.set(NIC(name).toLowerCase(), { id: NIC(name), properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { privateIPAddress: options.ip ?? '10.20.1.4' } }] } });
  }
  return endpointId;
}

function setup(...documents: PolicyDocument[]) {
  const arm = createFakeArm();
  const store = createMemoryAuditStore();
  const policies = compile(...documents);
  const deps = reconcileDepsFactory({ arm, store, policies, clock: { now: Date.parse('2026-11-20T10:00:00Z') } });
  return { arm, store, policies, deps };
}

const TRUST_CIDR = policy({ name: 'trust-cidr', mode: 'enforce', trustedSubnets: ['10.20.0.0/16'] });

describe('readConsumerFacts', () => {
  it('reads the NIC only when a policy has a CIDR and the endpoint lists no IP', async () => {
    const subnetOnly = setup(policy({ name: 'subnet-pattern', mode: 'enforce', trustedSubnets: [`/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/app/subnets/*`] }));
    const connection = subnetOnly.arm.addConnection(TARGET, 'c1', addConsumer(subnetOnly.arm, 'c1'), 'CHG000001');
    const needs = consumerFactNeeds(subnetOnly.policies.plan(targetId(TARGET).key));
    expect(needs).toEqual({ endpoint: true, ipAddresses: false, requestMessage: false });
    const facts = await readConsumerFacts(subnetOnly.arm, createInvocationCaches(), connection, TARGET, needs);
    expect(subnetOnly.arm.calls.map((c) => c.op)).toEqual(['endpoint']);
    expect(facts.sources).toEqual({ ipAddresses: 'not-read', requestMessage: 'provider' });

    const cidr = setup(TRUST_CIDR);
    const pending = cidr.arm.addConnection(TARGET, 'c1', addConsumer(cidr.arm, 'c1'), 'CHG000001');
    const withIps = await readConsumerFacts(cidr.arm, createInvocationCaches(), pending, TARGET, consumerFactNeeds(cidr.policies.plan(targetId(TARGET).key)));
    expect(cidr.arm.calls.map((c) => c.op)).toEqual(['endpoint', 'nic']);
    expect(withIps.sources.ipAddresses).toBe('nic');
  });

  it('reads neither endpoint nor NIC when no policy needs consumer facts', async () => {
    const s = setup(policy({ name: 'subs', mode: 'enforce', autoApproval: [CONSUMER], visibility: [CONSUMER] }));
    const connection = s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1'), 'Awaiting approval');
    const facts = await readConsumerFacts(s.arm, createInvocationCaches(), connection, TARGET, consumerFactNeeds(s.policies.plan(targetId(TARGET).key)));
    expect(s.arm.calls).toEqual([]);
    expect(facts).toEqual({ endpoint: undefined, requestMessage: '', sources: { ipAddresses: 'not-read', requestMessage: 'not-read' } });
  });

  it('reads the endpoint for a requestMessage policy only when the provider side holds no message', async () => {
    const s = setup(policy({ name: 'msg', mode: 'enforce', autoApproval: [CONSUMER], visibility: [CONSUMER], requestMessage: '^CHG' }));
    const needs = consumerFactNeeds(s.policies.plan(targetId(TARGET).key));
    const real = s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1'), 'CHG000001 from the provider side');
    expect((await readConsumerFacts(s.arm, createInvocationCaches(), real, TARGET, needs)).sources.requestMessage).toBe('provider');
    expect(s.arm.calls).toEqual([]);
    const defaulted = s.arm.addConnection(TARGET, 'c2', addConsumer(s.arm, 'c2'), 'Manual Approval');
    const facts = await readConsumerFacts(s.arm, createInvocationCaches(), defaulted, TARGET, needs);
    expect(facts.requestMessage).toBe('CHG004211 payments app');
    expect(facts.sources.requestMessage).toBe('endpoint');
    expect(s.arm.calls.map((c) => c.op)).toEqual(['endpoint']);
  });

  it('reads each endpoint and NIC once per invocation, however many connections name them', async () => {
    const s = setup(TRUST_CIDR);
    const endpoint = addConsumer(s.arm, 'shared');
    const caches = createInvocationCaches();
    const needs = consumerFactNeeds(s.policies.plan(targetId(TARGET).key));
    const first = s.arm.addConnection(TARGET, 'c1', endpoint);
    const second = s.arm.addConnection(TARGET, 'c2', endpoint);
    await Promise.all([readConsumerFacts(s.arm, caches, first, TARGET, needs), readConsumerFacts(s.arm, caches, second, TARGET, needs)]);
    expect(s.arm.calls.map((c) => c.op)).toEqual(['endpoint', 'nic']);
  });

  it('an unreadable NIC (403) is recorded as such and the IPs stay unknown', async () => {
    const s = setup(TRUST_CIDR);
    const connection = s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1', { nicReadable: false }));
    const facts = await readConsumerFacts(s.arm, createInvocationCaches(), connection, TARGET, consumerFactNeeds(s.policies.plan(targetId(TARGET).key)));
    expect(facts.sources.ipAddresses).toBe('unreadable');
    expect(facts.endpoint?.readable).toBe(true);
    if (facts.endpoint?.readable === true) expect(JSON.stringify(facts.endpoint.endpoint)).not.toContain('10.20.1.4');
  });

  it('an unreadable endpoint leaves both facts unreadable', async () => {
    const s = setup(policy({ name: 'both', mode: 'enforce', trustedSubnets: ['10.20.0.0/16'], requestMessage: '^CHG' }));
    const connection = s.arm.addConnection(TARGET, 'c1', PE('gone'), 'Awaiting approval');
    const facts = await readConsumerFacts(s.arm, createInvocationCaches(), connection, TARGET, consumerFactNeeds(s.policies.plan(targetId(TARGET).key)));
    expect(facts.sources).toEqual({ ipAddresses: 'unreadable', requestMessage: 'unreadable' });
    expect(s.arm.calls.map((c) => c.op)).toEqual(['endpoint']);
  });

  it('a NIC read that fails transiently propagates (the delivery is retried), it is not taken as unreadable', async () => {
    const s = setup(TRUST_CIDR);
    const connection = s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1'));
    s.arm.failNext('nic', new FakeArmError(503, 'ServiceUnavailable'));
    await expect(readConsumerFacts(s.arm, createInvocationCaches(), connection, TARGET, consumerFactNeeds(s.policies.plan(targetId(TARGET).key)))).rejects.toThrow();
  });
});

describe('reconcile with consumer facts from where Azure keeps them', () => {
  it('approves a consumer whose NIC holds 10.20.1.4 under a policy trusting 10.20.0.0/16, and records where the facts came from', async () => {
    const s = setup(TRUST_CIDR);
    s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1'), 'Awaiting approval');
    const outcome = await reconcileTarget(targetId(TARGET), { type: 'cli' }, s.deps());
    expect(outcome.results.approved).toBe(1);
    const [record] = [...s.store.records.values()];
    // The endpoint was read for its NIC, so the consumer's own message is taken from it as well.
    expect(record).toMatchObject({ decision: 'approve', ipAddresses: ['10.20.1.4'], requestMessage: 'CHG004211 payments app', factSources: { ipAddresses: 'nic', requestMessage: 'endpoint' } });
  });

  it('never approves on an unreadable NIC: left for review, with the reason and the source recorded', async () => {
    const s = setup(TRUST_CIDR);
    s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1', { nicReadable: false }));
    const outcome = await reconcileTarget(targetId(TARGET), { type: 'cli' }, s.deps());
    expect(outcome.results).toMatchObject({ approved: 0, manual: 1 });
    expect(s.arm.writes).toEqual([]);
    const [record] = [...s.store.records.values()];
    expect(record?.factSources).toEqual({ ipAddresses: 'unreadable', requestMessage: 'endpoint' });
    expect(record?.reasons).toContain('trustedSubnets CIDRs not checked: its network interface is not readable (HTTP 403: AuthorizationFailed)');
    expect(record?.ipAddresses).toBeUndefined();
  });

  it('holds an approval when a deny CIDR cannot be checked because the NIC is unreadable', async () => {
    const s = setup(policy({ name: 'deny', mode: 'enforce', autoApproval: [CONSUMER], visibility: [CONSUMER], deny: { subnets: ['10.99.0.0/16'] } }));
    s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1', { nicReadable: false }));
    const outcome = await reconcileTarget(targetId(TARGET), { type: 'cli' }, s.deps());
    expect(outcome.results).toMatchObject({ approved: 0, manual: 1 });
    const [record] = [...s.store.records.values()];
    expect(record?.reasons.join(' ')).toContain('deny.subnets (its network interface is not readable (HTTP 403: AuthorizationFailed))');
  });

  it('rejects on a deny CIDR that only the NIC reveals', async () => {
    const s = setup(policy({ name: 'deny', mode: 'enforce', autoApproval: [CONSUMER], visibility: [CONSUMER], deny: { subnets: ['10.99.0.0/16'] } }));
    s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1', { ip: '10.99.3.7' }));
    const outcome = await reconcileTarget(targetId(TARGET), { type: 'cli' }, s.deps());
    expect(outcome.results.rejected).toBe(1);
  });

  it('matches and records the consumer request message from its endpoint when the provider shows a default', async () => {
    const s = setup(policy({ name: 'msg', mode: 'enforce', autoApproval: [CONSUMER], visibility: [CONSUMER], requestMessage: '^(CHG|INC)[0-9]{6}\\b' }));
    s.arm.addConnection(TARGET, 'c1', addConsumer(s.arm, 'c1'), 'Awaiting approval');
    const outcome = await reconcileTarget(targetId(TARGET), { type: 'cli' }, s.deps());
    expect(outcome.results.approved).toBe(1);
    const [record] = [...s.store.records.values()];
    expect(record).toMatchObject({ requestMessage: 'CHG004211 payments app', factSources: { requestMessage: 'endpoint' } });
  });
});
