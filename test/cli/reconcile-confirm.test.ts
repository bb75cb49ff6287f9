/**
 * `linkgate reconcile` on a terminal: the per-connection plan first, a question before any ARM
 * write (--yes skips it, a script is never asked), and totals in which every Pending connection
 * sits in exactly one column. Against the ARM emulator's demo world.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { DATA_SUBSCRIPTION, demoWorld, PAYMENTS_SUBSCRIPTION } from '../../emulator/demo-world.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { totalsRow } from './reconcile-table.js';

let emulator: ArmEmulator;
let env: Record<string, string>;

beforeEach(async () => {
  emulator = await startArmEmulator({ world: demoWorld() });
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-reconcile-'));
  env = {
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_SWEEP_SCOPES: `${PAYMENTS_SUBSCRIPTION},${DATA_SUBSCRIPTION}`,
    LINKGATE_AUDIT_PATH: path.join(dir, 'audit.jsonl'),
    LINKGATE_LOG_LEVEL: 'silent',
  };
});
afterEach(async () => {
  await emulator.close();
});

/** Runs reconcile with both ends a terminal (or not), answering `answer` if asked. */
async function reconcile(args: string[], options: { tty: boolean; answer?: string }) {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty, columns: 200 });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  const stdin = Object.assign(Readable.from(options.answer === undefined ? [] : [options.answer]), { isTTY: options.tty });
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.resume();
  const io: CliIo = { stdin, stdout, stderr, env, cwd: process.cwd() };
  const code = await main(['reconcile', ...args], io);
  return { code, stdout: Buffer.concat(out).toString('utf8') };
}


describe('linkgate reconcile on a terminal', () => {
  it('shows the plan and asks; "n" writes nothing', async () => {
    const r = await reconcile([], { tty: true, answer: 'n\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/connection\s+will\s+policy\s+why/u);
    expect(r.stdout).toMatch(/pay-api\/pe-hub-pay-api\.[0-9a-f-]+\s+approve\s+payments-pls/u);
    expect(r.stdout).toMatch(/pending\s+approve\s+reject\s+manual\s+audit-only\s+ungoverned/u);
    expect(r.stdout).toMatch(/Approve \d+ and reject \d+ connection\(s\) in ARM\? \[y\/N\]/u);
    expect(r.stdout).toContain('nothing done');
    expect(emulator.writes()).toBe(0);
  });

  it('"y" runs the sweep; every Pending connection is in exactly one column of the totals', async () => {
    const r = await reconcile([], { tty: true, answer: 'y\n' });
    expect(r.code).toBe(0);
    expect(emulator.writes()).toBeGreaterThan(0);
    const t = totalsRow(r.stdout.slice(r.stdout.lastIndexOf('targets')));
    expect(t['audit-only']).toBe(3);
    expect(t['pending']).toBe((t['approved'] ?? 0) + (t['rejected'] ?? 0) + (t['manual'] ?? 0) + (t['audit-only'] ?? 0) + (t['ungoverned'] ?? 0) + (t['owned'] ?? 0) + (t['failed'] ?? 0));
  });

  it('--yes and a non-terminal run never ask', async () => {
    const yes = await reconcile(['--yes'], { tty: true });
    expect(yes.stdout).not.toContain('[y/N]');
    expect(emulator.writes()).toBeGreaterThan(0);
    const script = await reconcile(['--dry-run'], { tty: false });
    expect(script.stdout).not.toContain('[y/N]');
  });
});
