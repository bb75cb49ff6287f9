import { describe, expect, it } from 'vitest';
import { AuditStoreError } from '../../src/errors/audit-store-error.js';
import { parseArmId, type ArmId } from '../../src/ids/arm-id.js';
import { handleEvents } from '../../src/pipeline/handle-events.js';
import { reconcileTarget, type ReconcileDeps } from '../../src/pipeline/reconcile-target.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { parseDelivery } from '../../src/intake/parse-delivery.js';
import { connectionProxyWriteEvent } from '../../src/demo/demo-events.js';
import { connectionStatus, createFakeArm, FakeArmError, type FakeArm } from '../support/fake-arm-client.js';
import { createMemoryAuditStore, type MemoryAuditStore } from '../support/memory-audit-store.js';
import { orphanClaim } from '../support/orphan-claim.js';
import { reconcileDepsFactory } from '../support/reconcile-deps.js';

const PROVIDER_SUB = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const FRIEND = '22222222-2222-4222-8222-222222222222';
const STRANGER = '33333333-3333-4333-8333-333333333333';
const ENEMY = '55555555-5555-4555-8555-555555555555';
const PLS = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
const VAULT = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.KeyVault/vaults/pay-kv`;
const UNGOVERNED = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-other/providers/Microsoft.Network/privateLinkServices/other`;

const endpoint = (sub: string, name: string): string => `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}`;

const POLICIES: PolicyDocument[] = [
  {
    name: 'payments-pls',
    mode: 'enforce',
    targets: [`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/*`],
    visibility: [FRIEND, STRANGER],
    autoApproval: [FRIEND],
    deny: { subscriptions: [ENEMY] },
    otherwise: 'manual',
  },
  {
    name: 'vault-audit',
    mode: 'audit',
    targets: [`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.KeyVault/vaults/*`],
    autoApproval: [FRIEND],
    otherwise: 'reject',
  },
];

function target(text: string): ArmId {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

interface World {
  arm: FakeArm;
  store: MemoryAuditStore;
  deps: (overrides?: Partial<ReconcileDeps>) => ReconcileDeps;
  clock: { now: number };
}

function world(): World {
  const arm = createFakeArm();
  const store = createMemoryAuditStore();
  const policies = compilePolicies({ revision: 'rev-1', policies: POLICIES.map((document) => ({ file: `policies/${document.name}.json`, document })) });
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  return { arm, store, clock, deps: reconcileDepsFactory({ arm, store, policies, clock }) };
}

const records = (store: MemoryAuditStore) => [...store.records.values()];

describe('reconcileTarget', () => {
  it('approves, rejects and leaves for review as policy says; decided connections produce no record', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.addConnection(PLS, 'enemy', endpoint(ENEMY, 'pe2'));
    w.arm.addConnection(PLS, 'stranger', endpoint(STRANGER, 'pe3'));
    w.arm.addConnection(PLS, 'outsider', endpoint('44444444-4444-4444-8444-444444444444', 'pe4'));
    w.arm.addConnection(PLS, 'old', endpoint(FRIEND, 'pe5'), '', 'Approved');

    const outcome = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(outcome).toMatchObject({ connections: 5, pending: 4, transient: false, errors: [] });
    expect(outcome.results).toMatchObject({ approved: 1, rejected: 2, manual: 1 });
    expect(w.arm.writes.map((x) => [x.connectionId.split('/').at(-1), x.status])).toEqual([
      ['friend', 'Approved'],
      ['enemy', 'Rejected'],
      ['outsider', 'Rejected'],
    ]);
    const byConnection = new Map(records(w.store).map((r) => [r.connectionId.split('/').at(-1), r]));
    expect(byConnection.size).toBe(4);
    expect(byConnection.has('old')).toBe(false);
    expect(byConnection.get('friend')).toMatchObject({ decision: 'approve', policy: 'payments-pls', enforced: true, action: { status: 'succeeded', httpStatus: 200 }, previousStatus: 'Pending', policyRevision: 'rev-1', consumerSubscriptionId: FRIEND });
    expect(byConnection.get('stranger')).toMatchObject({ decision: 'manual', action: { status: 'skipped' } });
    expect(byConnection.get('enemy')?.reasons.join(' ')).toContain(ENEMY);
  });

  it('writes nothing and records nothing new on a duplicate delivery', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.addConnection(PLS, 'stranger', endpoint(STRANGER, 'pe3'));
    await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    const before = records(w.store).length;
    const again = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(again.pending).toBe(1); // the manual one stays Pending
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)).toHaveLength(before);
  });

  it('two workers racing on the same Pending connection make one ARM write and one record', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    const [a, b] = await Promise.all([
      reconcileTarget(target(PLS), { type: 'sweep' }, w.deps()),
      reconcileTarget(target(PLS), { type: 'cli' }, w.deps()),
    ]);
    expect(a.results.approved + b.results.approved).toBe(1);
    expect(a.results.owned + b.results.owned).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)).toHaveLength(1);
  });

  it('on 412 reads the connection again and decides again under the new etag', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.beforeNextWrite((request) => {
      const list = w.arm.connections.get(PLS.toLowerCase()) ?? [];
      const current = list.find((c) => c.id === request.connection.id);
      if (current !== undefined) current.etag = 'W/"moved"';
    });
    const outcome = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(outcome.results.approved).toBe(1);
    expect(w.arm.writes).toEqual([expect.objectContaining({ status: 'Approved', etag: 'W/"moved"' })]);
    expect(records(w.store).map((r) => r.action.status).sort()).toEqual(['succeeded', 'superseded']);
  });

  it('a transient ARM failure fails the target, releases the claim, and the retry acts once', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.failNext('write', new FakeArmError(429, 'Too many requests'));
    const first = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(first.transient).toBe(true);
    expect(w.arm.writes).toHaveLength(0);
    expect(records(w.store)).toEqual([expect.objectContaining({ action: expect.objectContaining({ status: 'pending' }) })]);

    const retry = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(retry.results.approved).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)).toEqual([expect.objectContaining({ decision: 'approve', action: expect.objectContaining({ status: 'succeeded' }) })]);
  });

  it('a 412 on a retried write whose first attempt landed is recorded as succeeded, not superseded', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    // Our first PUT landed but its answer was lost; the client's retry meets the new etag.
    w.arm.beforeNextWrite((request) => {
      const current = (w.arm.connections.get(PLS.toLowerCase()) ?? []).find((c) => c.id === request.connection.id);
      if (current?.properties?.privateLinkServiceConnectionState !== undefined) {
        current.properties.privateLinkServiceConnectionState.status = 'Approved';
        current.etag = 'W/"after-our-write"';
      }
    });
    const outcome = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(outcome.results.approved).toBe(1);
    expect(records(w.store)).toEqual([expect.objectContaining({ decision: 'approve', action: expect.objectContaining({ status: 'succeeded', httpStatus: 412 }) })]);
  });

  it('a write without an answer keeps its lease: nobody writes again until it could have finished', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.failNext('write', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const first = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(first.transient).toBe(true);
    const [claim] = records(w.store);
    expect(claim?.action.status).toBe('pending');
    expect(Date.parse(claim?.leaseUntil ?? '')).toBeGreaterThan(w.clock.now);

    // ARM still shows it Pending: the write did not land (yet). The claim is released, but not
    // before its lease, and meanwhile every delivery fails (transient) instead of answering 200.
    expect(claim?.action.released).toBe(true);
    const early = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(early.results.released).toBe(1);
    expect(early.transient).toBe(true);
    expect(w.arm.writes).toHaveLength(0);

    w.clock.now += 61_000;
    const later = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(later.results.approved).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
  });

  it('never writes to ARM when the audit store is unavailable, and fails transiently', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    w.store.unavailable = new AuditStoreError('audit store unreachable', { transient: true });
    const outcome = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(outcome.transient).toBe(true);
    expect(w.arm.writes).toHaveLength(0);
  });

  it('finishes a decision whose writer crashed after the ARM write, once, after the lease', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    const complete = w.store.complete.bind(w.store);
    let crashed = false;
    w.store.complete = async (record) => {
      if (!crashed) {
        crashed = true;
        throw new Error('process died');
      }
      return complete(record);
    };
    await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)[0]?.action.status).toBe('pending');

    // Within the lease nobody touches it.
    await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(records(w.store)[0]?.action.status).toBe('pending');

    w.clock.now += 61_000;
    const [later, racer] = await Promise.all([
      reconcileTarget(target(PLS), { type: 'sweep' }, w.deps()),
      reconcileTarget(target(PLS), { type: 'sweep' }, w.deps()),
    ]);
    expect(later.recovered + racer.recovered).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)).toEqual([expect.objectContaining({ action: expect.objectContaining({ status: 'succeeded' }) })]);
  });

  it('takes over a claim whose writer crashed before the ARM write and acts once', async () => {
    const w = world();
    const connection = w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    await w.store.claim(orphanClaim(connection, { target: PLS, consumer: FRIEND, time: new Date(w.clock.now - 120_000), leaseUntil: new Date(w.clock.now - 60_000) }));
    const outcome = await reconcileTarget(target(PLS), { type: 'sweep' }, w.deps());
    expect(outcome.results.approved).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
    expect(records(w.store)).toEqual([expect.objectContaining({ id: 'orphan', policyRevision: 'rev-1', action: expect.objectContaining({ status: 'succeeded' }) })]);
  });

  it('in a dry run decides and records with enforced=false, and a real run afterwards still acts', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    const dry = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps({ dryRun: true }));
    expect(dry.results).toMatchObject({ wouldApprove: 1, wouldReject: 0, approved: 0 });
    expect(w.arm.writes).toHaveLength(0);
    expect(records(w.store)).toEqual([expect.objectContaining({ decision: 'approve', enforced: false, action: { status: 'skipped' } })]);
    const real = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps());
    expect(real.results.approved).toBe(1);
    expect(w.arm.writes).toHaveLength(1);
  });

  it('records audit-mode policies as shadow results and never writes for them', async () => {
    const w = world();
    w.arm.addConnection(VAULT, 'friend', endpoint(FRIEND, 'pe1'));
    w.arm.addConnection(VAULT, 'stranger', endpoint(STRANGER, 'pe2'));
    const outcome = await reconcileTarget(target(VAULT), { type: 'cli' }, w.deps());
    expect(outcome.pending).toBe(2);
    expect(w.arm.writes).toHaveLength(0);
    const shadows = records(w.store).map((r) => [r.decision, r.enforced, r.shadow.map((s) => `${s.policy}:${s.decision}`)]);
    expect(shadows).toEqual([
      ['ignore', false, ['vault-audit:approve']],
      ['ignore', false, ['vault-audit:reject']],
    ]);
  });

  it('ARM refusing the write is recorded as failed, not retried forever', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    const retry = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };
    w.arm.failNext('write', new FakeArmError(400, 'Approving rejected private endpoint connections is not supported'), retry.maxAttempts);
    // Each refusal releases the claim for a retry after a backoff; the last one gives the decision up.
    for (let attempt = 1; attempt < retry.maxAttempts; attempt++) {
      const released = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps({ retry }));
      expect(released.results.released).toBe(1);
      expect(released.transient).toBe(true);
      w.clock.now += retry.maxDelayMs;
    }
    const outcome = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps({ retry }));
    expect(outcome.results.failed).toBe(1);
    expect(outcome.transient).toBe(false);
    expect(records(w.store)).toEqual([expect.objectContaining({ action: expect.objectContaining({ status: 'failed', httpStatus: 400 }) })]);
    expect(records(w.store)[0]?.action.error).toContain(`gave up after ${retry.maxAttempts} attempts`);
    expect(connectionStatus(w.arm.connections.get(PLS.toLowerCase())?.[0])).toBe('Pending');
    // Given up: later reconciles leave it for manual review and write nothing.
    w.clock.now += retry.maxDelayMs;
    const later = await reconcileTarget(target(PLS), { type: 'cli' }, w.deps({ retry }));
    expect(later.results.manual).toBe(1);
    expect(later.transient).toBe(false);
    expect(w.arm.calls.filter((c) => c.op === 'write')).toHaveLength(retry.maxAttempts);
  });
});

describe('handleEvents', () => {
  it('a forged event naming a resource no policy governs causes no ARM request at all', async () => {
    const w = world();
    w.arm.addConnection(UNGOVERNED, 'victim', endpoint(FRIEND, 'pe1'));
    const parsed = await parseDelivery([connectionProxyWriteEvent(UNGOVERNED, 'victim')]);
    if (!parsed.ok) throw new Error(parsed.error);
    const { caches: _caches, ...deps } = w.deps();
    const outcome = await handleEvents(parsed.delivery.events, { ...deps, concurrency: 4 });
    expect(outcome).toMatchObject({ events: 1, ignored: 1, targets: [] });
    expect(w.arm.calls).toEqual([]);
  });

  it('reconciles a target once however many events in the batch name it', async () => {
    const w = world();
    w.arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'pe1'));
    const events = Array.from({ length: 50 }, (_, i) => connectionProxyWriteEvent(PLS, `friend.${i}`));
    const parsed = await parseDelivery(events);
    if (!parsed.ok) throw new Error(parsed.error);
    const { caches: _caches, ...deps } = w.deps();
    const outcome = await handleEvents(parsed.delivery.events, { ...deps, concurrency: 4 });
    expect(outcome.targets).toHaveLength(1);
    expect(w.arm.calls.filter((c) => c.op === 'list')).toHaveLength(1);
    expect(w.arm.writes).toHaveLength(1);
  });
});
