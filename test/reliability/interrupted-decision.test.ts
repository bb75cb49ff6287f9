/**
 * The hole the fault matrix exposed: the ARM write lands, then the audit record cannot be
 * completed (store down, process killed). The connection is no longer Pending, so neither the
 * sweep (which visits targets with Pending connections) nor a later delivery that succeeds would
 * revisit the record: it stayed 'pending' for good. Now the invocation fails transiently until a
 * reconcile after the lease completes the record, so Event Grid keeps redelivering until it does,
 * and there is never a second write.
 */
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.js';
import { parseArmId, type ArmId } from '../../src/ids/arm-id.js';
import { reconcileTarget } from '../../src/pipeline/reconcile-target.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { createFakeArm } from '../support/fake-arm-client.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';
import { reconcileDepsFactory } from '../support/reconcile-deps.js';

const PROVIDER = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const FRIEND = '22222222-2222-4222-8222-222222222222';
const PLS = `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/api`;
const ENDPOINT = `/subscriptions/${FRIEND}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1`;

function armId(text: string): ArmId {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

function setup() {
  const arm = createFakeArm();
  arm.addConnection(PLS, 'friend', ENDPOINT);
  const store = createMemoryAuditStore();
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const policies = compilePolicies({ revision: 'r1', policies: [{ file: 'p.json', document: { name: 'p', targets: [PLS], autoApproval: [FRIEND] } }] });
  const deps = reconcileDepsFactory({ arm, store, policies, clock });
  return { arm, store, clock, deps };
}

describe('a decision whose audit record could not be completed after the ARM write', () => {
  it.each([
    ['a store error that does not say it is transient (file store, disk full)', new Error('ENOSPC: no space left on device')],
    ['a transient store error (Table Storage 503)', Object.assign(new Error('503 Server Busy'), { transient: true })],
  ])('keeps the delivery failing until the record is finished, with one write: %s', async (_name, storeError) => {
    const { arm, store, clock, deps } = setup();
    const complete = store.complete.bind(store);
    let failOnce = true;
    store.complete = async (record: AuditRecord) => {
      if (failOnce && record.action.status === 'succeeded') {
        failOnce = false;
        throw storeError;
      }
      return complete(record);
    };

    const first = await reconcileTarget(armId(PLS), { type: 'cli' }, deps());
    expect(arm.writes).toHaveLength(1);
    expect(first.transient).toBe(true);

    // Event Grid's redeliveries within the lease (10 s, then 30 s later): still one write, record still
    // pending; once the record is older than a quarter of the lease, the delivery keeps failing.
    clock.now += 10_000;
    await reconcileTarget(armId(PLS), { type: 'cli' }, deps());
    expect(arm.writes).toHaveLength(1);
    clock.now += 30_000;
    const early = await reconcileTarget(armId(PLS), { type: 'cli' }, deps());
    expect(early.transient).toBe(true);
    expect([...store.records.values()].map((r) => r.action.status)).toEqual(['pending']);

    clock.now += 30_000;
    const late = await reconcileTarget(armId(PLS), { type: 'cli' }, deps());
    expect(late.transient).toBe(false);
    expect(late.recovered).toBe(1);
    expect(arm.writes).toHaveLength(1);
    expect([...store.records.values()].map((r) => r.action.status)).toEqual(['succeeded']);
  });
});
