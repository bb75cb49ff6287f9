/**
 * vitest globalSetup: starts Azurite's Table service (the Azure Storage emulator from npm) on
 * 127.0.0.1 and a free port, in memory, telemetry off, and hands the connection string to tests
 * through `inject('azuriteTableConnection')`. Stopped in teardown.
 *
 * The bin is spawned with node_modules/.bin first on PATH, so its `#!/usr/bin/env node` runs the
 * project's Node 22 whatever node started vitest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
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
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 100;

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

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningAzurite {
  connection: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts azurite-table and waits (bounded) until its port answers. */
export async function startAzurite(): Promise<RunningAzurite> {
  const port = await freePort();
  // Azurite writes nothing with --inMemoryPersistence (which excludes --location); an empty cwd of its own anyway.
  const workspace = await mkdtemp(join(tmpdir(), 'linkgate-azurite-'));
  const child: ChildProcess = spawn(
    join(BIN_DIR, 'azurite-table'),
    ['--inMemoryPersistence', '--disableTelemetry', '--silent', '--tableHost', '127.0.0.1', '--tablePort', String(port), '--skipApiVersionCheck', '--loose'],
    { cwd: workspace, env: { ...process.env, PATH: `${BIN_DIR}${delimiter}${process.env['PATH'] ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.once('error', (error) => {
    exited = `failed to start: ${error.message}`;
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    await rm(workspace, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`azurite-table ${exited}:\n${output}`);
    }
    if (await answers(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`azurite-table did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { connection: azuriteConnectionString(port), port, stop };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azuriteTableConnection', azurite.connection);
  return azurite.stop;
}
