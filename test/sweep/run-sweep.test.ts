import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/create-logger.js';
import type { PipelineDeps } from '../../src/pipeline/handle-events.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { connectionStatus, createFakeArm, type FakeArm } from '../support/fake-arm-client.js';
import { createMemoryAuditStore, type MemoryAuditStore } from '../support/memory-audit-store.js';
import { orphanClaim } from '../support/orphan-claim.js';

const SUB = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const FRIEND = '22222222-2222-4222-8222-222222222222';
const STRANGER = '33333333-3333-4333-8333-333333333333';
const PLS = `/subscriptions/${SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
const UNGOVERNED = `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Network/privateLinkServices/other`;
const endpoint = (sub: string, name: string): string => `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}`;

const POLICY: PolicyDocument = {
  name: 'payments-pls',
  targets: [`/subscriptions/${SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/*`],
  // Strangers are outside visibility: an explicit reject, which drift revocation may act on.
  visibility: [FRIEND],
  autoApproval: [FRIEND],
  otherwise: 'reject',
};

function setup(): { arm: FakeArm; store: MemoryAuditStore; deps: (dryRun?: boolean) => { pipeline: PipelineDeps; config: { sweep: { scopes: { kind: 'subscription'; id: string }[]; extraTargets: string[] } } } } {
  const arm = createFakeArm();
  const store = createMemoryAuditStore();
  const policies = compilePolicies({ revision: 'rev-1', policies: [{ file: 'policies/payments-pls.json', document: POLICY }] });
  let ids = 0;
  return {
    arm,
    store,
    deps: (dryRun = false) => ({
      pipeline: { arm, store, policies, logger: silentLogger(), dryRun, leaseMs: 60_000, concurrency: 4, now: () => new Date(), newId: () => `r${++ids}` },
      config: { sweep: { scopes: [{ kind: 'subscription', id: SUB }], extraTargets: [] } },
    }),
  };
}

describe('runSweep', () => {
  it('decides Pending connections, reports drift, and never touches ungoverned resources', async () => {
    const { arm, store, deps } = setup();
    arm.addConnection(PLS, 'new-friend', endpoint(FRIEND, 'a'));
    arm.addConnection(PLS, 'new-stranger', endpoint(STRANGER, 'b'));
    arm.addConnection(PLS, 'old-stranger', endpoint(STRANGER, 'c'), '', 'Approved');
    arm.addConnection(PLS, 'old-friend', endpoint(FRIEND, 'd'), '', 'Rejected');
    arm.addConnection(PLS, 'fine', endpoint(FRIEND, 'e'), '', 'Approved');
    arm.addConnection(UNGOVERNED, 'x', endpoint(STRANGER, 'f'));

    const progress: number[] = [];
    const summary = await runSweep(deps(), { revoke: false, onProgress: (done) => progress.push(done) });
    expect(summary.totals).toMatchObject({ targets: 1, pending: 2, approved: 1, rejected: 1, drift: 2, errors: 0 });
    expect(summary.ungoverned).toBe(1);
    expect(summary.drift.map((d) => [d.connectionId.split('/').at(-1), d.status, d.decision, d.action])).toEqual([
      ['old-stranger', 'Approved', 'reject', 'reported'],
      ['old-friend', 'Rejected', 'approve', 'reported'],
    ]);
    expect(progress.at(-1)).toBe(1);
    expect(arm.calls.some((c) => c.id.includes('rg-other'))).toBe(false);
    // Drift reported only: no write for the drifted ones, a drift record with enforced=false.
    expect(arm.writes.map((w) => w.connectionId.split('/').at(-1))).toEqual(['new-friend', 'new-stranger']);
    const drift = [...store.records.values()].filter((r) => r.kind === 'drift');
    expect(drift).toHaveLength(2);
    expect(drift.every((r) => !r.enforced && r.action.status === 'skipped')).toBe(true);

    // A second sweep neither writes nor duplicates drift records.
    const again = await runSweep(deps(), { revoke: false });
    expect(again.totals.drift).toBe(2);
    expect(arm.writes).toHaveLength(2);
    expect([...store.records.values()].filter((r) => r.kind === 'drift')).toHaveLength(2);
  });

  it('acts on drift only when told to revoke', async () => {
    const { arm, deps } = setup();
    arm.addConnection(PLS, 'old-stranger', endpoint(STRANGER, 'c'), '', 'Approved');
    const summary = await runSweep(deps(), { revoke: true });
    expect(summary.drift).toEqual([expect.objectContaining({ action: 'revoked' })]);
    expect(connectionStatus(arm.connections.get(PLS.toLowerCase())?.[0])).toBe('Rejected');
  });

  it('a dry run writes nothing to ARM', async () => {
    const { arm, store, deps } = setup();
    arm.addConnection(PLS, 'new-friend', endpoint(FRIEND, 'a'));
    arm.addConnection(PLS, 'old-stranger', endpoint(STRANGER, 'c'), '', 'Approved');
    const summary = await runSweep(deps(true), { revoke: true });
    expect(summary.totals).toMatchObject({ wouldApprove: 1, approved: 0, drift: 1 });
    expect(arm.writes).toHaveLength(0);
    expect([...store.records.values()].every((r) => !r.enforced)).toBe(true);
  });

  it('finishes a claim orphaned after its ARM write even though nothing on the target is Pending', async () => {
    const { arm, store, deps } = setup();
    const connection = arm.addConnection(PLS, 'friend', endpoint(FRIEND, 'a'));
    // A worker claimed, wrote to ARM, and died before completing its record.
    await store.claim(orphanClaim(connection, { target: PLS, consumer: FRIEND, time: new Date(Date.now() - 600_000), leaseUntil: new Date(Date.now() - 60_000) }));
    await arm.setConnectionStatus({ connection, status: 'Approved', description: 'approved' });
    const writesBefore = arm.writes.length;

    const summary = await runSweep(deps(), { revoke: false });
    expect(summary.totals.pending).toBe(0);
    expect(store.records.get('orphan')?.action.status).toBe('succeeded');
    expect(await store.incomplete()).toEqual([]);
    expect(arm.writes.length).toBe(writesBefore);
  });

  it('never revokes on missing data: a reject resting on otherwise is reported, not acted on', async () => {
    const arm = createFakeArm();
    const store = createMemoryAuditStore();
    // Approved earlier through trustedSubnets; today the endpoint cannot be read (the double answers 403).
    arm.addConnection(PLS, 'c1', endpoint(FRIEND, 'pe1'), 'Approved by linkgate', 'Approved');
    const policies = compilePolicies({ revision: 'r', policies: [{ file: 'p.json', document: { name: 'p', targets: [PLS], trustedSubnets: ['10.20.0.0/16'], otherwise: 'reject' } }] });
    let ids = 0;
    const summary = await runSweep(
      {
        pipeline: { arm, store, policies, logger: silentLogger(), dryRun: false, leaseMs: 60_000, concurrency: 2, now: () => new Date(), newId: () => `r${++ids}` },
        config: { sweep: { scopes: [{ kind: 'subscription', id: SUB }], extraTargets: [] } },
      },
      { revoke: true },
    );
    expect(summary.drift).toEqual([expect.objectContaining({ action: 'reported', reasons: expect.arrayContaining([expect.stringContaining('not revoked')]) })]);
    expect(connectionStatus(arm.connections.get(PLS.toLowerCase())?.[0])).toBe('Approved');
    expect(arm.writes).toHaveLength(0);
  });
});
