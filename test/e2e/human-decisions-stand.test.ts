/**
 * What a person decides with `linkgate approve|reject` is what the audit and the CLI report, and
 * stands: `--json` prints the record as stored (completed, with ARM's answer), and a sweep may
 * report a human override as drift but never revokes it, dry run or not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArmEmulator } from '../../emulator/arm-emulator.js';
import type { AuditRecord } from '../../src/audit/types.js';
import type { PendingConnection } from '../../src/review/list-pending.js';
import { KEYVAULT_ID, PLS_ID, planFor, statusIn } from '../support/e2e-harness.js';
import { runCli } from '../support/run-cli.js';
import { sameId, startReviewWorld, type ReviewWorld } from '../support/review-world.js';

let world: ReviewWorld;
let emulator: ArmEmulator;
let env: Record<string, string>;

beforeEach(async () => {
  world = await startReviewWorld('linkgate-human-');
  ({ emulator, env } = world);
});

afterEach(() => world.close());

const records = (): Promise<AuditRecord[]> => world.records();

describe('human decisions', () => {
  it('approve --json prints the record as stored, completed with what ARM answered', async () => {
    const chosen = planFor(PLS_ID).find((c) => c.expected === 'manual')!;
    const run = await runCli(['approve', chosen.id, '--reason', 'CHG1 signed off', '--as', 'alice', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const printed = (JSON.parse(run.stdout) as { record: AuditRecord }).record;
    expect(printed.action.status).toBe('succeeded');
    expect(typeof printed.action.httpStatus).toBe('number');
    const stored = (await records()).find((r) => sameId(r.connectionId, chosen.id) && r.trigger.type === 'human')!;
    expect(printed).toEqual(stored);
  });

  it("reports a person's --override approval as drift, and never revokes it, however reconcile runs", async () => {
    const outside = planFor(PLS_ID).find((c) => c.expected === 'reject')!;
    const forced = await runCli(['approve', outside.id, '--reason', 'vendor escalation', '--as', 'bob', '--override'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(statusIn(emulator, outside.id)).toBe('Approved');

    type Drift = { connectionId: string; action: string; reasons: string[]; humanDecision?: { principal: string; override: boolean } };
    for (const args of [['reconcile', '--dry-run', '--json'], ['reconcile', '--revoke', '--yes', '--json']]) {
      const sweep = await runCli(args, { env });
      expect(sweep.code, sweep.stderr).toBe(0);
      const drift = (JSON.parse(sweep.stdout) as { drift: Drift[] }).drift.find((d) => sameId(d.connectionId, outside.id))!;
      expect(drift, args.join(' ')).toMatchObject({ action: 'reported', humanDecision: { principal: 'bob', override: true } });
      expect(drift.reasons[0]).toMatch(/^not revoked: approved by bob, overriding the policy \(human decision/u);
    }
    expect(statusIn(emulator, outside.id)).toBe('Approved');
    expect(emulator.writesTo(outside.id)).toBe(1);
    const driftRecord = (await records()).find((r) => sameId(r.connectionId, outside.id) && r.kind === 'drift')!;
    expect(driftRecord.reasons.some((r) => r.startsWith('not revoked: approved by bob'))).toBe(true);
  });

  it('pending queues only enforce-governed targets, and gives never-decided connections the reasons the policies give now', async () => {
    const auditOnly = await runCli(['pending', '--target', KEYVAULT_ID], { env });
    expect(auditOnly.code).toBe(2);
    expect(auditOnly.stderr).toContain('only audit-mode policies govern it');
    expect(planFor(KEYVAULT_ID).some((c) => c.status === 'Pending')).toBe(true);

    const both = { ...env, LINKGATE_SWEEP_TARGETS: `${PLS_ID},${KEYVAULT_ID}` };
    const run = await runCli(['pending', '--json'], { env: both });
    expect(run.code, run.stderr).toBe(0);
    const before = JSON.parse(run.stdout) as PendingConnection[];
    expect(before.some((p) => sameId(p.target, KEYVAULT_ID))).toBe(false);
    expect(before.length).toBe(planFor(PLS_ID).filter((c) => c.status === 'Pending').length);
    expect(before.every((p) => p.lastDecision === null && p.reasons.length > 0)).toBe(true);

    // Once the sweep has decided them, the manual ones wait with the very reasons pending gave before.
    expect((await runCli(['reconcile', '--json'], { env })).code).toBe(0);
    const after = JSON.parse((await runCli(['pending', '--json'], { env })).stdout) as PendingConnection[];
    expect(after.length).toBeGreaterThan(0);
    for (const item of after) {
      expect(item.waitingSince).not.toBeNull();
      expect(item.reasons).toEqual(before.find((p) => sameId(p.connectionId, item.connectionId))!.reasons);
    }
  });
});
