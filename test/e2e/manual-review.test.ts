/**
 * The human half of the loop end to end (issue 13 "Done when"), against the ARM emulator with the
 * CLI run as an operator would: a connection the policies leave for manual review appears in
 * `pending --json`; `approve --reason --as alice` writes it once and records a human decision; it
 * leaves the queue; a second approve exits 1 saying it is not Pending. A connection approved
 * directly on ARM (as `az` or the portal would) gets exactly one `observed` record however many
 * reconciles see it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { readConfig } from '../../src/config/read-config.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { silentLogger } from '../../src/log/create-logger.js';
import type { PendingConnection } from '../../src/review/list-pending.js';
import { PLS_ID, e2eWorld, linkgateEnv, planFor, readAuditRecords, statusIn } from '../support/e2e-harness.js';
import { runCli } from '../support/run-cli.js';
import { sameId, startReviewWorld, type ReviewWorld } from '../support/review-world.js';

let world: ReviewWorld;
let emulator: ArmEmulator;
let env: Record<string, string>;
const MANUAL = planFor(PLS_ID).filter((c) => c.expected === 'manual');

beforeEach(async () => {
  world = await startReviewWorld('linkgate-review-');
  ({ emulator, env } = world);
});

afterEach(() => world.close());

const records = (): Promise<AuditRecord[]> => world.records();

async function pending(): Promise<PendingConnection[]> {
  const run = await runCli(['pending', '--json'], { env });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as PendingConnection[];
}

describe('manual review', () => {
  it('pending lists it; approve writes once as alice; it leaves the queue; a second approve is refused', async () => {
    expect(MANUAL.length).toBeGreaterThanOrEqual(2);
    // Before any decision, the queue lists every Pending connection, marked as not decided yet.
    const before = await pending();
    expect(before.length).toBe(planFor(PLS_ID).filter((c) => c.status === 'Pending').length);
    expect(before.every((p) => p.lastDecision === null && p.waitingSince === null)).toBe(true);

    const sweep = await runCli(['reconcile', '--json'], { env });
    expect(sweep.code, sweep.stderr).toBe(0);
    const queue = await pending();
    expect(queue.map((p) => p.connectionId.toLowerCase()).sort()).toEqual(MANUAL.map((c) => c.id.toLowerCase()).sort());
    const chosen = MANUAL[0]!;
    const item = queue.find((p) => sameId(p.connectionId, chosen.id))!;
    const manualRecord = (await records()).find((r) => sameId(r.connectionId, chosen.id) && r.decision === 'manual')!;
    expect(item).toMatchObject({
      target: PLS_ID,
      consumerSubscriptionId: manualRecord.consumerSubscriptionId,
      requestMessage: manualRecord.requestMessage,
      waitingSince: manualRecord.time,
      lastDecision: { decision: 'manual', policy: manualRecord.policy, recordId: manualRecord.id },
      reasons: manualRecord.reasons,
    });
    expect(item.reasons.length).toBeGreaterThan(0);
    const table = await runCli(['pending'], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(chosen.id.split('/').at(-1)!);
    expect(table.stdout).toContain(`manual (${manualRecord.policy})`);
    expect(table.stderr).toContain(`${MANUAL.length} waiting`);

    const reason = 'CHG900001 partner onboarding signed off by payments';
    const approve = await runCli(['approve', chosen.id, '--reason', reason, '--as', 'alice'], { env });
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('approved');
    expect(emulator.writesTo(chosen.id)).toBe(1);
    expect(statusIn(emulator, chosen.id)).toBe('Approved');
    const onArm = emulator.world.providers.find((p) => sameId(p.id, PLS_ID))!.connections.find((c) => sameId(`${PLS_ID}/privateEndpointConnections/${c.name}`, chosen.id))!;
    expect(onArm.description).toBe(`Approved by alice via linkgate: ${reason}`);

    const human = (await records()).filter((r) => sameId(r.connectionId, chosen.id) && r.trigger.type === 'human');
    expect(human).toHaveLength(1);
    expect(human[0]).toMatchObject({
      trigger: { type: 'human', principal: 'alice', reason },
      decision: 'approve',
      enforced: true,
      previousStatus: 'Pending',
      action: { status: 'succeeded' },
    });
    expect(human[0]!.reasons[0]).toBe(`approved by alice: ${reason}`);
    expect(human[0]!.reasons.some((r) => r.startsWith('the policies say manual'))).toBe(true);

    expect((await pending()).some((p) => sameId(p.connectionId, chosen.id))).toBe(false);

    const again = await runCli(['approve', chosen.id, '--reason', reason, '--as', 'alice'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not Pending: its status is Approved');
    expect(again.stderr).toContain('hint: someone has already decided it');
    expect(emulator.writesTo(chosen.id)).toBe(1);

    const list = await runCli(['audit', 'list', '--target', PLS_ID], { env });
    expect(list.stdout).toContain('approve (alice)');
  });

  it('refuses without a principal, and refuses to approve an explicit reject unless --override, which is recorded', async () => {
    const chosen = MANUAL[0]!;
    const anonymous = await runCli(['approve', chosen.id, '--reason', 'because'], { env });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('cannot tell who is deciding');
    expect(emulator.writesTo(chosen.id)).toBe(0);

    const outside = planFor(PLS_ID).find((c) => c.expected === 'reject')!;
    const refused = await runCli(['approve', outside.id, '--reason', 'vendor escalation', '--as', 'bob'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('rejects this connection explicitly');
    expect(emulator.writesTo(outside.id)).toBe(0);

    const dry = await runCli(['approve', outside.id, '--reason', 'vendor escalation', '--as', 'bob', '--override', '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: would approve');
    expect(emulator.writesTo(outside.id)).toBe(0);

    const forced = await runCli(['approve', outside.id, '--reason', 'vendor escalation', '--as', 'bob', '--override'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(emulator.writesTo(outside.id)).toBe(1);
    const record = (await records()).find((r) => sameId(r.connectionId, outside.id))!;
    expect(record.trigger).toEqual({ type: 'human', principal: 'bob', reason: 'vendor escalation', override: true });
    expect(record.reasons.some((r) => r.startsWith('override:'))).toBe(true);

    const reject = await runCli(['reject', MANUAL[1]!.id, '--reason', 'unknown partner', '--as', 'carol', '--json'], { env });
    expect(reject.code, reject.stderr).toBe(0);
    expect(JSON.parse(reject.stdout)).toMatchObject({ result: 'rejected', record: { decision: 'reject', trigger: { principal: 'carol' } } });
    expect(statusIn(emulator, MANUAL[1]!.id)).toBe('Rejected');
  });

  it('a connection approved directly on ARM gets exactly one observed record across several reconciles', async () => {
    expect((await runCli(['reconcile', '--json'], { env })).code).toBe(0);
    const chosen = MANUAL[0]!;
    // Someone approves it with az or the portal: a PUT straight to ARM, not through linkgate.
    const arm = createArmClient({ endpoint: emulator.url, credential: { token: emulator.token }, logger: silentLogger() });
    try {
      const connection = await arm.getConnection(chosen.id);
      await arm.setConnectionStatus({ connection: connection!, status: 'Approved', description: 'approved in the portal by dave' });
    } finally {
      await arm.close();
    }
    for (let run = 0; run < 3; run++) {
      const sweep = await runCli(['reconcile', '--json'], { env });
      expect(sweep.code, sweep.stderr).toBe(0);
      expect((JSON.parse(sweep.stdout) as { observed: number }).observed).toBe(run === 0 ? 1 : 0);
    }
    const observed = (await records()).filter((r) => r.trigger.type === 'observed');
    expect(observed).toHaveLength(1);
    expect(observed[0]).toMatchObject({ connectionId: expect.stringMatching(/pe-partner/u), decision: 'approve', enforced: false, previousStatus: 'Pending', action: { status: 'skipped' } });
    expect(sameId(observed[0]!.connectionId, chosen.id)).toBe(true);
    expect(observed[0]!.reasons[0]).toMatch(/^decided outside linkgate: ARM shows Approved/u);
    expect(observed[0]!.reasons).toContain('description on ARM: approved in the portal by dave');
    expect((await pending()).some((p) => sameId(p.connectionId, chosen.id))).toBe(false);
    const list = await runCli(['audit', 'list'], { env });
    expect(list.stdout).toContain('approve (observed)');
  });

  it('records the principal the ARM token names, over --as', async () => {
    const claims = { aud: 'https://management.azure.com', upn: 'erin@contoso.com', oid: '6e1b5c0a-0000-4000-8000-000000000002' };
    const token = ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2ln';
    const signed = await startArmEmulator({ world: e2eWorld(), token });
    try {
      const signedEnv = { ...linkgateEnv(signed, { kind: 'file', path: join(world.dir, 'signed.jsonl') }, world.dir), LINKGATE_SWEEP_TARGETS: PLS_ID };
      const chosen = MANUAL[0]!;
      const run = await runCli(['reject', chosen.id, '--reason', 'no ticket', '--as', 'mallory'], { env: signedEnv });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain("recording the ARM token's principal erin@contoso.com, not --as mallory");
      const record = (await readAuditRecords(readConfig(signedEnv).audit)).find((r) => sameId(r.connectionId, chosen.id))!;
      expect(record.trigger).toEqual({ type: 'human', principal: 'erin@contoso.com', reason: 'no ticket' });
      expect(signed.writesTo(chosen.id)).toBe(1);
    } finally {
      await signed.close();
    }
  });
});
