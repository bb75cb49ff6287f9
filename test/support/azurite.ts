/**
 * vitest globalSetup: starts Azurite's Table service (the Azure Storage emulator from npm) on
 * 127.0.0.1 and a free port, in memory, telemetry off, and hands the connection string to tests
 * through `inject('azuriteTableConnection')`. Stopped in teardown.
 *
 * The bin is spawned with node_modules/.bin first on PATH, so its `#!/usr/bin/env node` runs the
 * project's Node 22 whatever node started vitest.
 *
 * Readiness is an event, not a poll: Azurite prints "successfully started" once its server listens
 * (node_modules/azurite/dist/src/table/main.js logs it after `await server.start()`), and exits if
 * it cannot listen. A second test run on the same machine may take the free port between our probe
 * and Azurite's listen (EADDRINUSE); that start is retried on a fresh port, a bounded number of times.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the Azurite Table endpoint started by test/support/azurite.ts. */
    azuriteTableConnection: string;
  }
}

/** The well-known Azurite development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const BIN_DIR = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));
/** What Azurite prints once its Table server listens. */
const STARTED = 'Azurite Table service successfully started';
/** Starts tried before giving up, each on a fresh port (only a lost port race is retried). */
const MAX_STARTS = 3;
/**
 * A safety net against an Azurite that neither starts nor exits (a hang): nothing waits for it to
 * pass, readiness is the output line above; it only turns a hang into an error that says so.
 */
const HANG_TIMEOUT_MS = 60_000;
/** Likewise a safety net: SIGTERM is the stop; SIGKILL only if Azurite ignores it (a hang). */
const KILL_AFTER_MS = 5_000;

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningAzurite {
  connection: string;
  port: number;
  stop(): Promise<void>;
}

type Started = { ok: true; azurite: RunningAzurite } | { ok: false; portTaken: boolean; error: Error };

/** One start on one port: resolves when Azurite says it listens, or when it exits (or fails to spawn) first. */
async function startOnce(port: number): Promise<Started> {
  // Azurite writes nothing with --inMemoryPersistence (which excludes --location); an empty cwd of its own anyway.
  const workspace = await mkdtemp(join(tmpdir(), 'linkgate-azurite-'));
  const child: ChildProcess = spawn(
    join(BIN_DIR, 'azurite-table'),
    ['--inMemoryPersistence', '--disableTelemetry', '--silent', '--tableHost', '127.0.0.1', '--tablePort', String(port), '--skipApiVersionCheck', '--loose'],
    { cwd: workspace, env: { ...process.env, PATH: `${BIN_DIR}${delimiter}${process.env['PATH'] ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await gone;
      clearTimeout(killer);
    }
    await rm(workspace, { recursive: true, force: true });
  };
  let output = '';
  const outcome = await new Promise<string>((resolve) => {
    const settle = (what: string): void => {
      clearTimeout(hang);
      resolve(what);
    };
    const hang = setTimeout(() => settle(`neither started nor exited within ${HANG_TIMEOUT_MS / 1000} s`), HANG_TIMEOUT_MS);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes(STARTED)) settle('started');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => settle(`exited with ${code ?? signal}`));
    child.once('error', (error) => settle(`failed to start: ${error.message}`));
  });
  if (outcome === 'started') return { ok: true, azurite: { connection: azuriteConnectionString(port), port, stop } };
  await stop();
  return { ok: false, portTaken: output.includes('EADDRINUSE'), error: new Error(`azurite-table on 127.0.0.1:${port} ${outcome}:\n${output}`) };
}

/** Starts azurite-table and resolves once it listens. */
export async function startAzurite(): Promise<RunningAzurite> {
  let last: Error | undefined;
  for (let start = 0; start < MAX_STARTS; start++) {
    const started = await startOnce(await freePort());
    if (started.ok) return started.azurite;
    last = started.error;
    if (!started.portTaken) break;
  }
  throw last ?? new Error('azurite-table did not start');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azuriteTableConnection', azurite.connection);
  return azurite.stop;
}
