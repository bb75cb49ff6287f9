/**
 * `linkgate reconcile` exits non-zero while any decision is left open (released for a retry after a
 * write that did not land, or stranded), and a later reconcile, once ARM allows the write and the
 * retry's backoff has passed, carries each decision out with exactly one write and exits 0. Run
 * in-process through the CLI's main against the ARM emulator on 127.0.0.1; the backoff is passed
 * by moving the clock the CLI hands the pipeline (CliIo.now), not by waiting. A stranded claim is
 * made the way it happens: a `linkgate reconcile` process (bin/linkgate.js, the built CLI) killed
 * with SIGKILL once its write reached ARM, after it recorded its claim.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type Fault } from '../../emulator/arm-emulator.js';
import { DATA_SUBSCRIPTION, demoWorld, PAYMENTS_SUBSCRIPTION } from '../../emulator/demo-world.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { totalsRow } from './reconcile-table.js';
import { DEFAULT_DECISION_RETRY } from '../../src/pipeline/release-decision.js';
import type { SweepTotals } from '../../src/sweep/sweep-totals.js';

const opened: { emulator: ArmEmulator; dir: string }[] = [];
afterEach(async () => {
  for (const { emulator, dir } of opened.splice(0)) {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
});

async function world(writeFault: Fault, sleep?: (ms: number) => Promise<void>): Promise<{ emulator: ArmEmulator; env: Record<string, string> }> {
  const emulator = await startArmEmulator({ world: demoWorld(), faults: [{ match: { operation: 'write' }, fault: writeFault }], ...(sleep === undefined ? {} : { sleep }) });
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-reconcile-stranded-'));
  opened.push({ emulator, dir });
  const env = {
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_SWEEP_SCOPES: `${PAYMENTS_SUBSCRIPTION},${DATA_SUBSCRIPTION}`,
    LINKGATE_AUDIT_PATH: path.join(dir, 'audit.jsonl'),
    LINKGATE_LOG_LEVEL: 'silent',
  };
  return { emulator, env };
}

/** `linkgate reconcile …` as a script runs it (not a terminal: never asked), on the clock given. */
async function reconcile(args: string[], env: Record<string, string>, now?: () => Date): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.resume();
  const io: CliIo = { stdin: Readable.from([]), stdout, stderr, env, cwd: process.cwd(), ...(now === undefined ? {} : { now }) };
  const code = await main(['reconcile', ...args], io);
  return { code, stdout: Buffer.concat(out).toString('utf8') };
}


const writesAttempted = (emulator: ArmEmulator): number => emulator.requests.filter((r) => r.operation === 'write').length;

const FAULTS: [string, Fault][] = [
  ['403 AuthorizationFailed (a role still propagating)', { kind: 'status', status: 403, code: 'AuthorizationFailed' }],
  ['200 that changes nothing', { kind: 'status', status: 200, code: 'NothingChanged' }],
];

describe('linkgate reconcile while decisions are left open', () => {
  for (const [name, fault] of FAULTS) {
    it(`writes answered ${name}: exit 1 with the released decisions counted, then once allowed each is written once and exit 0`, async () => {
      const { emulator, env } = await world(fault);

      const first = await reconcile(['--yes'], env);
      const row = totalsRow(first.stdout);
      expect(first.code).toBe(1);
      expect(row.released).toBeGreaterThan(0);
      expect(row).toMatchObject({ approved: 0, rejected: 0, stranded: 0 });
      // Every Pending connection in exactly one column, the released ones under failed.
      expect(row.failed).toBe(row.released);
      const columns = ['approved', 'rejected', 'manual', 'audit-only', 'ungoverned', 'owned', 'failed'].map((name) => row[name] ?? 0);
      expect(columns.reduce((a, b) => a + b, 0)).toBe(row.pending);
      expect(row.errors).toBeGreaterThanOrEqual(row.released ?? 0);
      expect(first.stdout).toMatch(/error: /u);
      expect(emulator.stats().writes).toBe(0);
      const released = row.released ?? 0;
      const attempted = writesAttempted(emulator);
      expect(attempted).toBeGreaterThanOrEqual(released);

      // Within the retry's backoff: still open, still exit 1, and nothing is written again.
      const second = await reconcile(['--json'], env);
      const json = JSON.parse(second.stdout) as { totals: SweepTotals; errors: string[] };
      expect(second.code).toBe(1);
      expect(json.totals).toMatchObject({ released, stranded: 0, approved: 0, rejected: 0 });
      expect(json.totals.errors).toBeGreaterThanOrEqual(released);
      expect(writesAttempted(emulator)).toBe(attempted);

      // ARM allows the write now, and the backoff has passed.
      emulator.setFaults([]);
      const later = (): Date => new Date(Date.now() + 2 * DEFAULT_DECISION_RETRY.baseDelayMs);
      const third = await reconcile(['--json'], env, later);
      const done = JSON.parse(third.stdout) as { totals: SweepTotals };
      expect(third.code).toBe(0);
      expect(done.totals).toMatchObject({ released: 0, stranded: 0, failed: 0, errors: 0 });
      expect(done.totals.approved + done.totals.rejected).toBe(released);
      const stats = emulator.stats();
      expect(stats.writes).toBe(released);
      expect(Object.values(stats.writesByConnection).every((n) => n === 1)).toBe(true);
      expect(stats.nonPendingWrites).toEqual([]);

      // And again: nothing left to do, nothing written twice.
      const fourth = await reconcile(['--json'], env, later);
      expect(fourth.code).toBe(0);
      expect((JSON.parse(fourth.stdout) as { totals: SweepTotals }).totals).toMatchObject({ approved: 0, rejected: 0, released: 0, errors: 0 });
      expect(emulator.stats().writes).toBe(released);
    });
  }
});

describe('linkgate reconcile after a writer was killed mid-write', () => {
  it('exits 1 with the stranded claim counted while its lease runs, then finishes it with one write and exits 0', async () => {
    // The emulator holds every write (a delay fault whose sleep never ends) and says when the first
    // arrives: by then the writer has recorded its claim, and it is killed there, as kill -9 would.
    const HOLD_MS = 54_321; // under the emulator's 60 s clamp on delay faults
    let writeArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (writeArrived = resolve));
    const sleep = (ms: number): Promise<void> => {
      if (ms !== HOLD_MS) return Promise.resolve();
      writeArrived();
      return new Promise<void>(() => undefined);
    };
    const { emulator, env } = await world({ kind: 'delay', ms: HOLD_MS }, sleep);
    const bin = path.join(import.meta.dirname, '../../bin/linkgate.js');
    const writer = spawn(process.execPath, [bin, 'reconcile', '--yes'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    writer.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const exited = once(writer, 'exit');
    // A writer that ends before any write reached the emulator fails the test with what it said.
    await Promise.race([arrived, exited.then(() => Promise.reject(new Error(`the writer exited first: ${Buffer.concat(stderr).toString('utf8')}`)))]);
    writer.kill('SIGKILL');
    await exited;
    emulator.setFaults([]);
    expect(emulator.stats().writes).toBe(0);

    // Under the dead writer's lease: its claims are stranded, nothing is written for them, exit 1.
    const first = await reconcile(['--json'], env);
    const open = JSON.parse(first.stdout) as { totals: SweepTotals };
    expect(first.code).toBe(1);
    expect(open.totals.stranded).toBeGreaterThan(0);
    expect(open.totals.errors).toBeGreaterThanOrEqual(open.totals.stranded);
    const writtenUnderLease = emulator.stats().writes;

    // Past the lease: the claims are taken over and carried out, each connection written once.
    const later = (): Date => new Date(Date.now() + 2 * 3600_000);
    const second = await reconcile(['--json'], env, later);
    const done = JSON.parse(second.stdout) as { totals: SweepTotals };
    expect(second.code).toBe(0);
    expect(done.totals).toMatchObject({ stranded: 0, released: 0, errors: 0 });
    const stats = emulator.stats();
    expect(stats.writes).toBe(writtenUnderLease + open.totals.stranded);
    expect(Object.values(stats.writesByConnection).every((n) => n === 1)).toBe(true);
    expect(stats.nonPendingWrites).toEqual([]);
  });
});
