/**
 * Issue 11 Build 3: readers skip and report a line that is not a record (one junk line shaped
 * like a record used to crash `audit show`, `list` and `export`), and LINKGATE_AUDIT_MAX_BYTES
 * rolls the file to audit.N.jsonl with every reader reading across the rolled files.
 */
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditStore } from '../../src/audit/open-audit-store.js';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { readConfig } from '../../src/config/read-config.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { capturingLogger } from './support/capturing-logger.js';
import { makeIntent, makeRecord } from './audit-store.contract.js';
import { collectAsync } from '../../src/util/collect-async.js';

let dir = '';
let file = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-rotation-'));
  file = join(dir, 'audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});


describe('lines that are not records', () => {
  it.each([
    ['garbage', 'not json at all'],
    ['a JSON array', '[1,2,3]'],
    ['a record shaped line with a bad time', JSON.stringify({ ...makeRecord(), time: 'yesterday' })],
    ['a record shaped line whose reasons are not a list', JSON.stringify({ ...makeRecord(), reasons: 'x' })],
    ['a record shaped line with no action status', JSON.stringify({ ...makeRecord(), action: {} })],
    ['a record shaped line with a numeric decision', JSON.stringify({ ...makeRecord(), decision: 7 })],
  ])('are skipped and reported by readers and the writer: %s', async (_name, junk) => {
    const before = makeRecord({ time: '2024-05-01T09:00:00.000Z' });
    const after = makeRecord({ time: '2024-05-01T11:00:00.000Z' });
    await appendFile(file, `${JSON.stringify(before)}\n${junk}\n${JSON.stringify(after)}\n`);

    const reader = capturingLogger();
    const readOnly = await openFileAuditStore(file, { logger: reader.logger, readOnly: true });
    expect((await collectAsync(readOnly.query({}))).map((r) => r.id)).toEqual([after.id, before.id]);
    expect(await readOnly.get(before.id)).toEqual(before);
    expect(reader.lines.some((l) => typeof l['problem'] === 'string' && l['offset'] === Buffer.byteLength(JSON.stringify(before)) + 1)).toBe(true);
    await readOnly.close();

    const writer = capturingLogger();
    const store = await openFileAuditStore(file, { logger: writer.logger });
    expect(writer.lines.some((l) => l['line'] === 2 && typeof l['problem'] === 'string')).toBe(true);
    expect(await store.get(after.id)).toEqual(after);
    await store.close();
  });
});

describe('rotation (LINKGATE_AUDIT_MAX_BYTES)', () => {
  it('is read from the environment and validated', () => {
    const env = { LINKGATE_AUDIT_STORE: 'file', LINKGATE_AUDIT_PATH: file };
    expect(readConfig({ ...env, LINKGATE_AUDIT_MAX_BYTES: '1048576' }).audit).toEqual({ kind: 'file', path: file, maxBytes: 1_048_576 });
    expect(readConfig(env).audit).toEqual({ kind: 'file', path: file });
    expect(() => readConfig({ ...env, LINKGATE_AUDIT_MAX_BYTES: '10' })).toThrow(/LINKGATE_AUDIT_MAX_BYTES/u);
    expect(() => readConfig({ ...env, LINKGATE_AUDIT_MAX_BYTES: '1MB' })).toThrow(/LINKGATE_AUDIT_MAX_BYTES/u);
  });

  it('rolls to audit.N.jsonl and reads, claims and lists across every rolled file, before and after a reopen', async () => {
    const maxBytes = 4096;
    const config = readConfig({ LINKGATE_AUDIT_STORE: 'file', LINKGATE_AUDIT_PATH: file, LINKGATE_AUDIT_MAX_BYTES: String(maxBytes) });
    let store = await openAuditStore(config.audit, { logger: silentLogger() });
    const intent = makeIntent({ time: '2024-05-01T08:00:00.000Z' });
    await store.claim(intent);
    const appended: AuditRecord[] = [];
    for (let i = 0; i < 40; i++) {
      const record = makeRecord({ time: new Date(Date.parse('2024-05-01T09:00:00.000Z') + i * 1000).toISOString() });
      appended.push(record);
      await store.append(record);
    }
    // The claim, written in the first file, completed in a later one.
    const completed: AuditRecord = { ...intent, action: { status: 'succeeded', httpStatus: 200 } };
    await store.complete(completed);

    const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
    expect(names.length).toBeGreaterThan(3);
    expect(names).toContain('audit.1.jsonl');
    expect(names).toContain('audit.jsonl');
    for (const name of names) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(maxBytes);

    const expectAll = async (s: typeof store): Promise<void> => {
      const listed = await collectAsync(s.query({}));
      expect(listed.map((r) => r.id)).toEqual([...appended].reverse().map((r) => r.id).concat(intent.id));
      expect(listed.at(-1)).toEqual(completed);
      expect(await s.get(appended[0]?.id as string)).toEqual(appended[0]);
      expect(await s.get(intent.id)).toEqual(completed);
      expect(await s.findByKey(intent.idempotencyKey)).toEqual([completed]);
      expect((await s.claim(makeIntent({ idempotencyKey: intent.idempotencyKey }))).claimed).toBe(false);
    };
    await expectAll(store);
    await store.close();
    store = await openAuditStore(config.audit, { logger: silentLogger() });
    await expectAll(store);
    await store.close();
    // `linkgate audit` reads the same way.
    const reader = await openAuditStore(config.audit, { logger: silentLogger(), readOnly: true });
    expect((await collectAsync(reader.query({}))).map((r) => r.id)).toEqual([...appended].reverse().map((r) => r.id).concat(intent.id));
    expect(await reader.get(intent.id)).toEqual(completed);
    await reader.close();
  });
});
