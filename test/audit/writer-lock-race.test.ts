/**
 * Issue 11 Build 3: a stale lock (its writer crashed) taken over by two processes at once lets
 * exactly one in, every time. Real processes (the sources run by Node's type stripping), 200
 * rounds, each round a fresh stale lock and both racers released together by one barrier.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROUNDS = 200;
const RACER = fileURLToPath(new URL('./support/lock-racer.mjs', import.meta.url));
const REGISTER = fileURLToPath(new URL('./support/register-ts.mjs', import.meta.url));

interface Racer {
  child: ChildProcess;
  next<T>(type: string): Promise<T>;
}

function startRacer(): Promise<Racer> {
  const child = fork(RACER, { execArgv: ['--experimental-strip-types', '--no-warnings', '--import', REGISTER], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const queue: Record<string, unknown>[] = [];
  const waiting: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on('message', (message: Record<string, unknown>) => {
    const i = waiting.findIndex((w) => w.type === message['type']);
    if (i === -1) queue.push(message);
    else waiting.splice(i, 1)[0]?.resolve(message);
  });
  const racer: Racer = {
    child,
    next<T>(type: string): Promise<T> {
      const i = queue.findIndex((m) => m['type'] === type);
      if (i !== -1) return Promise.resolve(queue.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const exited = (code: number | null): void => reject(new Error(`racer exited with ${code}`));
        child.once('exit', exited);
        waiting.push({
          type,
          resolve: (message) => {
            child.off('exit', exited);
            resolve(message as T);
          },
        });
      });
    },
  };
  return racer.next('ready').then(() => racer);
}

let dir = '';
let racers: Racer[] = [];
let deadPid = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-lock-race-'));
  racers = await Promise.all([startRacer(), startRacer()]);
  const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => gone.on('exit', resolve));
  deadPid = gone.pid as number;
});

afterAll(async () => {
  for (const racer of racers) {
    racer.child.send({ type: 'exit' });
    if (racer.child.exitCode === null) await new Promise((resolve) => racer.child.once('exit', resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

describe('stale audit lock taken over by two processes at once', () => {
  it(`lets exactly one writer in, in each of ${ROUNDS} rounds`, async () => {
    const winners: number[] = [];
    const errors = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const file = join(dir, `r${round}`, 'audit.jsonl');
      await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, `r${round}`)));
      await writeFile(`${file}.lock`, `${deadPid} ${hostname()}\n`);
      // A barrier, not a start time: both racers are armed before either is told to go.
      for (const racer of racers) racer.child.send({ type: 'arm', round, file });
      await Promise.all(racers.map((r) => r.next('armed')));
      for (const racer of racers) racer.child.send({ type: 'go' });
      const raced = await Promise.all(racers.map((r) => r.next<{ held: boolean; error?: string }>('raced')));
      for (const r of raced) if (r.error !== undefined) errors.add(r.error.replace(/\d+/gu, 'N').replace(/r\d+/gu, 'rN'));
      for (const racer of racers) racer.child.send({ type: 'check', round });
      const checked = await Promise.all(racers.map((r) => r.next<{ stillHeld: boolean }>('checked')));
      winners.push(raced.filter((r, i) => r.held && checked[i]?.stillHeld === true).length);
      expect(raced.filter((r) => r.held).length, `round ${round}: both took the lock`).toBe(1);
      for (const racer of racers) racer.child.send({ type: 'release', round });
      await Promise.all(racers.map((r) => r.next('released')));
      // Nothing of the race is left behind but the stale lock's own folder.
      expect((await readdir(join(dir, `r${round}`))).filter((name) => name.includes('.lock.'))).toEqual([]);
    }
    expect(winners.every((n) => n === 1)).toBe(true);
    // The loser is told who holds the file, not a file-system error.
    for (const error of errors) expect(error).toMatch(/in use by process/u);
  }, 120_000);
});
