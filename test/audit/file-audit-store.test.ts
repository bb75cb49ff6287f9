import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import type { AuditStore } from '../../src/audit/types.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { capturingLogger } from './support/capturing-logger.js';
import { auditStoreContract, makeIntent, makeRecord } from './audit-store.contract.js';

let dir = '';
let file = '';

auditStoreContract('JSON Lines file', {
  async open() {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-audit-'));
    file = join(dir, 'nested', 'audit.jsonl');
    return openFileAuditStore(file, { logger: silentLogger() });
  },
  reopen: () => openFileAuditStore(file, { logger: silentLogger() }),
  async cleanup() {
    await rm(dir, { recursive: true, force: true });
  },
});

describe('file audit store specifics', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-audit-'));
    file = join(dir, 'audit.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one full line per mutation; the last line for an id wins', async () => {
    const store = await openFileAuditStore(file, { logger: silentLogger() });
    const intent = makeIntent();
    await store.claim(intent);
    await store.complete({ ...intent, action: { status: 'succeeded', httpStatus: 200 } });
    await store.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toEqual(intent);
    expect(JSON.parse(lines[1] as string).action.status).toBe('succeeded');
  });

  it('skips a torn last line with a warning and starts the next append on a new line', async () => {
    const first = makeRecord();
    const claimed = makeIntent();
    await writeFile(file, JSON.stringify(first) + '\n' + JSON.stringify(claimed) + '\n');
    await appendFile(file, JSON.stringify(makeRecord()).slice(0, 57));
    const { logger, lines } = capturingLogger();
    const store: AuditStore = await openFileAuditStore(file, { logger });
    expect(lines.some((l) => l['torn'] === true && l['line'] === 3)).toBe(true);
    expect(await store.get(first.id)).toEqual(first);
    expect((await store.claim(makeIntent({ idempotencyKey: claimed.idempotencyKey }))).claimed).toBe(false);
    const next = makeRecord();
    await store.append(next);
    await store.close();

    const text = await readFile(file, 'utf8');
    const parts = text.split('\n');
    expect(JSON.parse(parts[3] as string)).toEqual(next);
    const reopened = await openFileAuditStore(file, { logger: silentLogger() });
    expect(await reopened.get(next.id)).toEqual(next);
    expect(await reopened.get(first.id)).toEqual(first);
    await reopened.close();
  });

  it('never interleaves lines under 50 concurrent appends of large records', async () => {
    const store = await openFileAuditStore(file, { logger: silentLogger(), durable: false });
    const records = Array.from({ length: 50 }, (_, i) => makeRecord({ reasons: [String(i).repeat(20_000)] }));
    await Promise.all(records.map((r) => store.append(r)));
    await store.close();
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(50);
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('opens read-only without creating anything, and refuses writes', async () => {
    const missing = join(dir, 'not-here', 'audit.jsonl');
    const store = await openFileAuditStore(missing, { logger: silentLogger(), readOnly: true });
    expect(await store.get('x')).toBeUndefined();
    await expect(store.append(makeRecord())).rejects.toThrow(/read-only/u);
    await store.close();
    await expect(readFile(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
