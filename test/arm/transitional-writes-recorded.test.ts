/**
 * The pipeline over the real client and the emulator, for writes Azure takes a while to finish
 * (DESIGN §9): a Web/sites approval that reads Approving for several reads, and a Key Vault one
 * polled at the connection itself, are each written once and recorded succeeded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { loadWorld } from '../../emulator/world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import type { ArmClient } from '../../src/arm/types.js';
import { parseArmId, type ArmId } from '../../src/ids/arm-id.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { reconcileTarget } from '../../src/pipeline/reconcile-target.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';
import { reconcileDepsFactory } from '../support/reconcile-deps.js';

const PROVIDER = '11111111-1111-4111-8111-111111111111';
const FRIEND = '22222222-2222-4222-8222-222222222222';
const TOKEN = 'transitional-token';
const SITE = `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Web/sites/app1`;
const VAULT = `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;
const endpoint = (name: string): string => `/subscriptions/${FRIEND}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/${name}`;

const POLICY: PolicyDocument = {
  name: 'friends',
  mode: 'enforce',
  targets: [`/subscriptions/${PROVIDER}/resourceGroups/rg/providers/**`],
  autoApproval: [FRIEND],
  otherwise: 'manual',
};

function idOf(text: string): ArmId {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const resource of opened.splice(0)) await resource.close();
});

async function setUp(transitionalReads: number, asyncPolls: number): Promise<{ emulator: ArmEmulator; arm: ArmClient; deps: ReturnType<ReturnType<typeof reconcileDepsFactory>>; store: ReturnType<typeof createMemoryAuditStore> }> {
  const world = loadWorld({
    providers: [
      { id: SITE, type: 'Microsoft.Web/sites', connections: [{ name: 'site-c', privateEndpointId: endpoint('pe-site'), status: 'Pending', description: null }] },
      { id: VAULT, type: 'Microsoft.KeyVault/vaults', connections: [{ name: 'kv-c', privateEndpointId: endpoint('pe-kv'), status: 'Pending', description: 'please' }] },
    ],
    endpoints: [
      { id: endpoint('pe-site'), subnetId: `/subscriptions/${FRIEND}/resourceGroups/rg-c/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, ipAddresses: ['10.1.0.4'], connectsTo: [{ targetId: SITE, manual: true, requestMessage: 'CHG123456' }] },
      { id: endpoint('pe-kv'), subnetId: `/subscriptions/${FRIEND}/resourceGroups/rg-c/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, ipAddresses: ['10.1.0.5'], connectsTo: [{ targetId: VAULT, manual: true, requestMessage: 'CHG123457' }] },
    ],
    tenants: {},
  });
  const emulator = await startArmEmulator({ world, token: TOKEN, buckets: false, transitionalReads, asyncPolls });
  const arm = createArmClient({ endpoint: emulator.url, credential: { token: TOKEN }, logger: silentLogger(), pacing: false, pollIntervalMs: 0, sleep: async () => {} });
  opened.push(emulator, arm);
  const store = createMemoryAuditStore();
  const policies = compilePolicies({ revision: 'rev-1', policies: [{ file: 'policies/friends.json', document: POLICY }] });
  const deps = reconcileDepsFactory({ arm, store, policies, clock: { now: Date.parse('2026-11-28T10:00:00Z') } })();
  return { emulator, arm, deps, store };
}

describe('writes Azure takes a while to finish are recorded as they end', () => {
  it('a Web/sites approval that reads Approving for several reads is written once and recorded succeeded', async () => {
    const { emulator, deps, store } = await setUp(6, 1);
    const outcome = await reconcileTarget(idOf(SITE), { type: 'cli' }, deps);
    expect(outcome.results).toMatchObject({ approved: 1 });
    const [record] = [...store.records.values()];
    expect(record?.decision).toBe('approve');
    expect(record?.action.status).toBe('succeeded');
    expect(emulator.writesTo(`${SITE}/privateEndpointConnections/site-c`)).toBe(1);
    // The client read the connection through its Approving reads before recording.
    expect(emulator.requests.filter((r) => r.operation === 'get').length).toBeGreaterThanOrEqual(7);
  });

  it('a Key Vault approval polled at the connection URL itself completes and is recorded succeeded', async () => {
    const { emulator, deps, store } = await setUp(0, 4);
    await reconcileTarget(idOf(VAULT), { type: 'cli' }, deps);
    const [record] = [...store.records.values()];
    expect(record?.action.status).toBe('succeeded');
    expect(emulator.writesTo(`${VAULT}/privateEndpointConnections/kv-c`)).toBe(1);
    expect(emulator.requests.some((r) => r.operation === 'poll')).toBe(false);
  });
});
