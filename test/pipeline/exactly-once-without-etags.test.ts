/**
 * Exactly once without etags (issue 10 Build 3, issue 11 Build 1): most provider types return no
 * etag on connections, so If-Match cannot protect a second write. A write that did not land
 * releases its claim in the same record and is retried with backoff; a write that landed is never
 * repeated; while a decision is not complete every delivery fails and the sweep counts it as an error.
 */
import { describe, expect, it } from 'vitest';
import { ArmError, armErrorFromNetwork } from '../../src/arm/arm-error.js';
import { parseArmId, type ArmId } from '../../src/ids/arm-id.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { reconcileTarget } from '../../src/pipeline/reconcile-target.js';
import { compilePolicies, type CompiledPolicySet } from '../../src/policy/compile-policies.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { connectionStatus, createFakeArm, type FakeArm } from '../support/fake-arm-client.js';
import { createMemoryAuditStore, type MemoryAuditStore } from '../support/memory-audit-store.js';
import { reconcileDepsFactory } from '../support/reconcile-deps.js';

const SUB = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const FRIEND = '22222222-2222-4222-8222-222222222222';
const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/paystore`;
const PE = `/subscriptions/${FRIEND}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe1`;
const LEASE_MS = 60_000;
const RETRY = { maxAttempts: 4, baseDelayMs: 30_000, maxDelayMs: 120_000 };

function armId(text: string): ArmId {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

function policiesFor(otherwise: 'manual' | 'reject', approve = true): CompiledPolicySet {
  return compilePolicies({
    revision: approve ? 'r1' : 'r2',
    policies: [{ file: 'p.json', document: { name: 'storage', targets: [STORAGE], ...(approve ? { autoApproval: [FRIEND] } : {}), otherwise } }],
  });
}

function setup(): { arm: FakeArm; store: MemoryAuditStore; clock: { now: number }; deps: ReturnType<typeof reconcileDepsFactory>; connectionId: string } {
  const arm = createFakeArm();
  const added = arm.addConnection(STORAGE, 'pe1.2f0c', PE);
  arm.dropEtag(added.id);
  const store = createMemoryAuditStore();
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const factory = reconcileDepsFactory({ arm, store, policies: policiesFor('manual'), clock });
  return { arm, store, clock, deps: (overrides = {}) => factory({ retry: RETRY, leaseMs: LEASE_MS, ...overrides }), connectionId: added.id };
}

const forbidden = (): ArmError =>
  new ArmError({
    method: 'PUT', path: '/x', httpStatus: 403, code: 'AuthorizationFailed', armMessage: 'role still propagating',
    requestId: 'req-403', correlationId: undefined, transient: false, retryAfterMs: undefined,
  });
const reset = (): Error => armErrorFromNetwork({ method: 'PUT', path: '/x', cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
const records = (store: MemoryAuditStore) => [...store.records.values()];
const status = (arm: FakeArm) => connectionStatus(arm.connections.get(STORAGE.toLowerCase())?.[0]);

describe('exactly once without etags', () => {
  it('the connection carries no etag, so nothing here rests on If-Match', () => {
    const { arm } = setup();
    expect(arm.connections.get(STORAGE.toLowerCase())?.[0]?.etag).toBeUndefined();
  });

  it('a write refused 403 is released, redeliveries within the backoff fail and write nothing, and a later reconcile approves it once', async () => {
    const { arm, store, clock, deps } = setup();
    arm.failNext('write', forbidden());
    const first = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(first.results.released).toBe(1);
    expect(first.transient).toBe(true);
    expect(records(store)).toEqual([
      expect.objectContaining({ decision: 'approve', failedWrites: 1, action: expect.objectContaining({ status: 'pending', released: true, httpStatus: 403, armRequestId: 'req-403' }) }),
    ]);

    // Event Grid redelivers within the backoff: the delivery fails again, nothing is written.
    clock.now += 10_000;
    const early = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(early.results.released).toBe(1);
    expect(early.transient).toBe(true);
    expect(arm.calls.filter((c) => c.op === 'write')).toHaveLength(1);

    // The role has propagated; after the backoff the retry lands, under the same record.
    clock.now += RETRY.baseDelayMs;
    const later = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(later.results.approved).toBe(1);
    expect(later.transient).toBe(false);
    expect(arm.writes).toHaveLength(1);
    expect(status(arm)).toBe('Approved');
    expect(records(store)).toEqual([expect.objectContaining({ decision: 'approve', failedWrites: 1, action: expect.objectContaining({ status: 'succeeded' }) })]);

    // And it is never written again, however often the target is reconciled.
    clock.now += 3_600_000;
    await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(arm.calls.filter((c) => c.op === 'write')).toHaveLength(2);
    expect(records(store)).toHaveLength(1);
  });

  it('a write answered 200 that changed nothing is retried, and the retry is the one write that lands', async () => {
    const { arm, store, clock, deps } = setup();
    arm.ignoreNextWrites(1);
    const first = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(first.results.released).toBe(1);
    expect(arm.ignoredWrites).toBe(1);
    expect(status(arm)).toBe('Pending');
    expect(records(store)[0]?.action).toMatchObject({ status: 'pending', released: true, httpStatus: 200 });
    expect(records(store)[0]?.action.error).toContain('did not land');

    clock.now += RETRY.baseDelayMs;
    const retry = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(retry.results.approved).toBe(1);
    expect(arm.writes).toHaveLength(1);
    expect(records(store)).toEqual([expect.objectContaining({ action: expect.objectContaining({ status: 'succeeded' }) })]);
  });

  it('a write without an answer that did land is confirmed from ARM and never repeated', async () => {
    const { arm, store, clock, deps, connectionId } = setup();
    // The PUT reaches ARM and takes effect; its answer is lost.
    arm.beforeNextWrite(() => {
      const current = arm.connections.get(STORAGE.toLowerCase())?.find((c) => c.id === connectionId);
      const state = current?.properties?.privateLinkServiceConnectionState;
      if (state !== undefined) state.status = 'Approved';
      throw reset();
    });
    const outcome = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(outcome.results.approved).toBe(1);
    expect(outcome.transient).toBe(false);
    expect(records(store)).toEqual([expect.objectContaining({ action: expect.objectContaining({ status: 'succeeded' }) })]);
    expect(records(store)[0]?.action.note).toContain('confirmed by a re-read');
    expect(records(store)[0]?.action.error).toBeUndefined();
    clock.now += 3_600_000;
    await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    expect(arm.calls.filter((c) => c.op === 'write')).toHaveLength(1);
  });

  it('a write without an answer that shows no change is retried only after the lease, when it could no longer land', async () => {
    const { arm, clock, deps } = setup();
    arm.failNext('write', reset());
    await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps({ retry: { ...RETRY, baseDelayMs: 1_000 } }));
    clock.now += LEASE_MS - 1_000;
    const early = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps({ retry: { ...RETRY, baseDelayMs: 1_000 } }));
    expect(early.results.released).toBe(1);
    expect(arm.calls.filter((c) => c.op === 'write')).toHaveLength(1);
    clock.now += 1_000;
    const later = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps({ retry: { ...RETRY, baseDelayMs: 1_000 } }));
    expect(later.results.approved).toBe(1);
    expect(arm.writes).toHaveLength(1);
  });

  it('two workers racing on an etag-less connection make one write and one record', async () => {
    const { arm, store, deps } = setup();
    const [a, b] = await Promise.all([reconcileTarget(armId(STORAGE), { type: 'sweep' }, deps()), reconcileTarget(armId(STORAGE), { type: 'cli' }, deps())]);
    expect(a.results.approved + b.results.approved).toBe(1);
    expect(arm.writes).toHaveLength(1);
    expect(records(store)).toHaveLength(1);
  });

  it('a released claim whose decision today’s policies no longer make is closed, not left open', async () => {
    const { arm, store, clock, deps } = setup();
    arm.failNext('write', forbidden());
    await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps());
    clock.now += RETRY.maxDelayMs;
    const after = await reconcileTarget(armId(STORAGE), { type: 'cli' }, deps({ policies: policiesFor('manual', false) }));
    expect(after.results.manual).toBe(1);
    expect(after.transient).toBe(false);
    expect(await store.incomplete()).toEqual([]);
    expect(records(store).map((r) => r.action.status).sort()).toEqual(['skipped', 'superseded']);
    expect(arm.writes).toHaveLength(0);
  });
});

describe('the sweep while a decision is not complete', () => {
  function sweepDeps(arm: FakeArm, store: MemoryAuditStore, clock: { now: number }) {
    let ids = 0;
    return {
      pipeline: { arm, store, policies: policiesFor('manual'), logger: silentLogger(), dryRun: false, leaseMs: LEASE_MS, concurrency: 2, retry: RETRY, now: () => new Date(clock.now), newId: () => `s${++ids}` },
      config: { sweep: { scopes: [{ kind: 'subscription' as const, id: SUB }], extraTargets: [] } },
    };
  }

  it('counts released decisions as errors (so `linkgate reconcile` exits 1) until one completes them', async () => {
    const { arm, store, clock } = setup();
    arm.failNext('write', forbidden());
    const first = await runSweep(sweepDeps(arm, store, clock), { revoke: false });
    expect(first.totals).toMatchObject({ released: 1, stranded: 0 });
    expect(first.totals.errors).toBeGreaterThan(0);
    expect(first.errors.join('\n')).toContain('not complete after the sweep');

    clock.now += 5_000;
    const waiting = await runSweep(sweepDeps(arm, store, clock), { revoke: false });
    expect(waiting.totals.errors).toBeGreaterThan(0);
    expect(arm.writes).toHaveLength(0);

    clock.now += RETRY.baseDelayMs;
    const done = await runSweep(sweepDeps(arm, store, clock), { revoke: false });
    expect(done.totals).toMatchObject({ approved: 1, released: 0, stranded: 0, errors: 0 });
    expect(done.errors).toEqual([]);
    expect(arm.writes).toHaveLength(1);
  });

  it('counts a claim left unfinished (its writer gone) as stranded', async () => {
    const { arm, store, clock } = setup();
    // A claim whose answer was lost in a store outage: the intent is stored, the writer gave up.
    const claim = store.claim.bind(store);
    store.claim = async (intent) => {
      await claim(intent);
      throw new Error('store answer lost');
    };
    const first = await runSweep(sweepDeps(arm, store, clock), { revoke: false });
    store.claim = claim;
    expect(first.totals.stranded).toBe(1);
    expect(first.totals.errors).toBeGreaterThan(0);
    expect(arm.writes).toHaveLength(0);
    clock.now += LEASE_MS;
    const done = await runSweep(sweepDeps(arm, store, clock), { revoke: false });
    expect(done.totals).toMatchObject({ approved: 1, stranded: 0, errors: 0 });
  });
});
