/**
 * `linkgate serve` against the ARM emulator on loopback, with every log line captured from pino
 * (through createLogger's destination, so redaction and scrubbing are the product's own), for the
 * security tests that drive the whole stack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../emulator/arm-emulator.js';
import { readConfig, type LinkgateConfig } from '../../src/config/read-config.js';
import { WEBHOOK_PATH } from '../../src/host/webhook-server.js';
import { startServe, type ServeHandle } from '../../src/host/start-serve.js';
import { createLogger } from '../../src/log/create-logger.js';
import { wakeOrderClock } from '../support/virtual-clock.js';

export interface Harness {
  emulator: ArmEmulator;
  serve: ServeHandle;
  config: LinkgateConfig;
  /** Every log line written so far (raw JSON text). */
  lines: string[];
  webhookUrl: string;
  post(body: unknown, headers?: Record<string, string>, query?: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(options: {
  emulator: Omit<ArmEmulatorOptions, 'port'>;
  env?: Record<string, string>;
  policyDir?: string;
  level?: string;
}): Promise<Harness> {
  // Retries, Retry-After, polling and pacing run on virtual time shared by the client and the
  // emulator's buckets: a delay moves the clock, never the test's wall time.
  const clock = wakeOrderClock(Date.parse('2026-01-01T00:00:00Z'));
  const emulator = await startArmEmulator({ now: clock.now, ...options.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'linkgate-security-'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      callback();
    },
  });
  const config = readConfig({
    LINKGATE_POLICY_DIR: options.policyDir ?? 'policies',
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl'),
    LINKGATE_PORT: '0',
    ...options.env,
  });
  const logger = createLogger({ level: options.level ?? 'debug', destination });
  let serve: ServeHandle;
  try {
    serve = await startServe(config, { logger, armOptions: { now: clock.now, sleep: clock.sleep } });
  } catch (error) {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const webhookUrl = serve.url + WEBHOOK_PATH;
  return {
    emulator,
    serve,
    config,
    lines,
    webhookUrl,
    async post(body, headers = {}, query = '') {
      const response = await request(webhookUrl + query, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification', ...headers },
      });
      return { status: response.statusCode, text: await response.body.text() };
    },
    async close() {
      await serve.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
