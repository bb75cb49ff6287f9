/**
 * Where a load run's `linkgate serve` lives: in the bench process (beside the emulator and the
 * sender, as the end-to-end figures have it), or in a process of its own, started the way a user
 * starts it (`linkgate serve`), so that its own peak memory can be read apart from the emulator's.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../src/config/read-config.js';
import { startServe } from '../src/host/start-serve.js';
import { silentLogger } from '../src/log/create-logger.js';

export type ServeHostKind = 'in-process' | 'own-process';

export interface ServeHost {
  /** Base URL; deliveries go to url + WEBHOOK_PATH. */
  url: string;
  /** Stops serve (in-flight deliveries finish first) and returns its own peak RSS in MB, or undefined in process. */
  close(): Promise<number | undefined>;
}

const LISTENING = /listening on (http:\/\/\S+)\/runtime\/webhooks\/eventgrid/u;
const BIN = path.resolve('bin/linkgate.js');

/** The kernel's high-water mark of a live process's resident set (Linux), in MB. */
async function peakRssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/mu.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

export async function startServeHost(kind: ServeHostKind, env: Record<string, string>): Promise<ServeHost> {
  if (kind === 'in-process') {
    const serve = await startServe(readConfig(env), { logger: silentLogger() });
    return {
      url: serve.url,
      close: async () => {
        await serve.close();
        return undefined;
      },
    };
  }
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env, LINKGATE_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const found = LISTENING.exec(stderr);
      if (found !== null) resolve(found[1]!);
    });
    void exited.then((code) => reject(new Error(`linkgate serve exited (${String(code)}) before listening: ${stderr.slice(0, 500)}`)));
  });
  return {
    url,
    close: async () => {
      // Read before it exits: the figure is gone with the process.
      const peak = await peakRssOf(child.pid!);
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`linkgate serve exited ${String(code)} on SIGTERM: ${stderr.slice(0, 500)}`);
      return peak;
    },
  };
}
