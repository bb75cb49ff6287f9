/**
 * Security (issue 7): pino redaction of authorization headers, tokens and connection-string keys,
 * proven on a full run: the ARM emulator with a secret bearer token, `linkgate serve` with a
 * webhook key and the Table audit store on Azurite (its connection string carries an AccountKey),
 * deliveries that succeed, fail, are retried and carry the key in the URL, and ARM errors that
 * echo the token back (as some gateways do). Every log line (trace level, captured from pino)
 * and every audit record is then scanned for each secret.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_TARGET_IDS, PLS_ID, STORAGE_ID, demoWorld } from '../../emulator/demo-world.js';
import { openAuditStore } from '../../src/audit/open-audit-store.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { connectionProxyWriteEvent, subscriptionValidationEvent } from '../../src/demo/demo-events.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { startHarness, type Harness } from './serve-harness.js';

const TOKEN = `eyJ0eXAiOiJKV1Qi.${randomUUID()}.sig-${randomUUID()}`;
const KEY = `webhook-key-${randomUUID()}`;
const TABLE = `secretscan${randomUUID().replace(/-/gu, '').slice(0, 10)}`;

let h: Harness;
let connection: string;
let accountKey: string;
const records: AuditRecord[] = [];

beforeAll(async () => {
  connection = inject('azuriteTableConnection');
  accountKey = /AccountKey=([^;]+)/u.exec(connection)?.[1] ?? '';
  h = await startHarness({
    emulator: {
      world: demoWorld(),
      token: TOKEN,
      faults: [
        // A gateway that echoes the Authorization header in its error, then plain faults that make deliveries fail and retry.
        { match: { operation: 'list', pathIncludes: 'pay-api' }, times: 2, fault: { kind: 'status', status: 500, code: `Echo: Authorization: Bearer ${TOKEN}` } },
        { match: { operation: 'write' }, times: 6, fault: { kind: 'status', status: 503 } },
        { match: { operation: 'endpoint' }, times: 2, fault: { kind: 'reset' } },
      ],
    },
    env: {
      LINKGATE_ARM_TOKEN: TOKEN,
      LINKGATE_WEBHOOK_KEY: KEY,
      LINKGATE_AUDIT_STORE: 'table',
      LINKGATE_AUDIT_TABLE_CONNECTION: connection,
      LINKGATE_AUDIT_TABLE: TABLE,
    },
    level: 'trace',
  });
  const auth = { 'x-functions-key': KEY };
  await h.post(subscriptionValidationEvent('validation-code-1'), { ...auth, 'aeg-event-type': 'SubscriptionValidation' });
  await h.post([connectionProxyWriteEvent(PLS_ID, 'c1')], {}, `?code=${encodeURIComponent(KEY)}`);
  await h.post([connectionProxyWriteEvent(PLS_ID, 'c1')], { 'x-functions-key': 'wrong-key' });
  // Event Grid-style: redeliver each batch until it is accepted (bounded).
  for (const target of [...DEMO_TARGET_IDS, STORAGE_ID]) {
    for (let attempt = 0; attempt < 8; attempt++) {
      if ((await h.post([connectionProxyWriteEvent(target, 'c')], auth)).status === 200) break;
    }
  }
  await h.post('{"not": "an event"', auth);
  const reader = await openAuditStore({ kind: 'table', connection, table: TABLE }, { logger: silentLogger(), readOnly: true });
  for await (const record of reader.query({})) records.push(record);
  await reader.close();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('no secret in any log line or audit record of a full run', () => {
  it('the run did what it should: decisions, retries, errors and records to scan', () => {
    const stats = h.emulator.stats();
    expect(stats.faultsInjected).toBeGreaterThanOrEqual(8);
    expect(stats.writes).toBeGreaterThan(0);
    expect(records.length).toBeGreaterThan(0);
    expect(h.lines.length).toBeGreaterThan(20);
    expect(h.lines.some((line) => /"level":"(warn|error)"/u.test(line))).toBe(true);
    console.log(`[secret-scan] ${h.lines.length} log lines, ${records.length} audit records, ${stats.requests} ARM requests, ${stats.faultsInjected} faults`);
  });

  it.each([
    ['the ARM bearer token', () => TOKEN],
    ['the token signature alone', () => TOKEN.split('.').at(-1) ?? TOKEN],
    ['the webhook key', () => KEY],
    ['the storage account key', () => accountKey],
  ])('%s', (_name, secret) => {
    const value = secret();
    expect(value.length).toBeGreaterThan(10);
    expect(h.lines.filter((line) => line.includes(value))).toEqual([]);
    expect(records.filter((record) => JSON.stringify(record).includes(value)).map((r) => r.id)).toEqual([]);
  });
});
