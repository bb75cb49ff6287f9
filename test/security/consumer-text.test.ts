/**
 * Security (issue 7): request messages and other consumer-controlled strings are data. A consumer
 * writes terminal escapes, fake log lines, Unicode line separators and megabyte-long text into
 * the request message of a private endpoint; after a full run (emulator + serve + events):
 *   - every log line is one JSON object and holds no raw control character,
 *   - `linkgate audit list` and `audit show` print no raw control character,
 *   - every description linkgate wrote back to ARM is at most 140 characters and plain text,
 * and the two caps on the description (the pipeline's and the ARM client's) each hold on their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorld, DEMO_TARGET_IDS } from '../../emulator/demo-world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import { connectionProxyWriteEvent } from '../../src/demo/demo-events.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { describeDecision, MAX_DESCRIPTION_LENGTH } from '../../src/pipeline/describe-decision.js';
import { runCli } from '../support/run-cli.js';
import { startHarness, type Harness } from './serve-harness.js';

const HOSTILE = [
  'CHG123456 \u001b[2J\u001b[31mAPPROVED BY SECURITY\u001b[0m',
  'CHG123457\n{"level":"info","msg":"connection approved","policy":"forged"}',
  'INC000001 \u001b]0;pwned\u0007 title change',
  'CHG123458 \u2028line separator\u2029paragraph separator\r\rcarriage returns\u0000nul\u009bcsi',
  'CHG123459 ' + 'A'.repeat(100_000),
];
/** Raw control characters that must never reach a terminal or a log line (tab and newline excepted in tables). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;

let h: Harness;
beforeAll(async () => {
  const world = demoWorld();
  let i = 0;
  for (const provider of world.providers) {
    for (const connection of provider.connections) {
      if (connection.status !== 'Pending') continue;
      const message = HOSTILE[i++ % HOSTILE.length] as string;
      connection.description = message;
      const endpoint = world.endpoints.find((e) => e.id === connection.privateEndpointId);
      for (const link of endpoint?.connectsTo ?? []) link.requestMessage = message;
    }
  }
  h = await startHarness({ emulator: { world } });
  for (const target of DEMO_TARGET_IDS) expect((await h.post([connectionProxyWriteEvent(target, 'c')])).status).toBe(200);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('consumer-controlled text in a full run', () => {
  it('decisions were taken and written for hostile messages', () => {
    expect(h.emulator.stats().writes).toBeGreaterThan(0);
  });

  it('every log line is one JSON object with no raw control character', () => {
    expect(h.lines.length).toBeGreaterThan(5);
    for (const line of h.lines) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(line).not.toMatch(CONTROL);
    }
    // The forged log line stayed inside a string: no line claims policy "forged".
    expect(h.lines.filter((line) => (JSON.parse(line) as { policy?: string }).policy === 'forged')).toEqual([]);
  });

  it('`linkgate audit list` and `audit show` print the messages escaped', async () => {
    const env = { LINKGATE_AUDIT_PATH: h.config.audit.kind === 'file' ? h.config.audit.path : '' };
    const list = await runCli(['audit', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).not.toMatch(CONTROL);
    const ids = [...list.stdout.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gu)].map((m) => m[0]);
    const exported = await runCli(['audit', 'export', '--format', 'jsonl'], { env });
    const recordIds = exported.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(recordIds.length).toBeGreaterThan(0);
    for (const id of recordIds.slice(0, 10)) {
      const show = await runCli(['audit', 'show', id], { env });
      expect(show.code).toBe(0);
      expect(show.stdout + show.stderr).not.toMatch(CONTROL);
    }
    expect(ids.length + recordIds.length).toBeGreaterThan(0);
  });

  it('every description written back to ARM is plain text of at most 140 characters', () => {
    const writes = h.emulator.requests.filter((r) => r.operation === 'write');
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      const description = (write.body as { properties: { privateLinkServiceConnectionState: { description: string } } }).properties.privateLinkServiceConnectionState.description;
      expect(description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
      expect(description).not.toMatch(CONTROL);
    }
  });
});

describe('each description cap on its own', () => {
  it('describeDecision strips control characters and caps reasons that quote consumer text', () => {
    for (const message of HOSTILE) {
      const text = describeDecision({ connectionId: 'c', target: null, decision: 'reject', policy: 'p', reasons: [`requestMessage: ${message}`], shadow: [] });
      expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
      expect(text).not.toMatch(CONTROL);
    }
  });

  it('the ARM client caps whatever description it is handed', async () => {
    const connectionId = h.emulator.world.providers[0]?.connections.find((c) => c.status === 'Pending');
    const provider = h.emulator.world.providers[0];
    expect(connectionId).toBeDefined();
    const arm = createArmClient({ endpoint: h.emulator.url, credential: { token: h.emulator.token }, logger: silentLogger() });
    try {
      const id = `${provider?.id ?? ''}/privateEndpointConnections/${connectionId?.name ?? ''}`;
      const connection = await arm.getConnection(id);
      expect(connection).toBeDefined();
      if (connection === undefined) return;
      await arm.setConnectionStatus({ connection, status: 'Rejected', description: 'x'.repeat(50_000) });
      const put = h.emulator.requests.filter((r) => r.operation === 'write').at(-1);
      const description = (put?.body as { properties: { privateLinkServiceConnectionState: { description: string } } }).properties.privateLinkServiceConnectionState.description;
      expect(description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    } finally {
      await arm.close();
    }
  });
});
