import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { inject, describe, expect, it } from 'vitest';
import { escapeKeyComponent, openTableAuditStore, splitIntoChunks, TableAuditStoreError } from '../../src/audit/table-audit-store.js';
import { run } from '../../src/cli/commands/audit.js';
import { silentLogger } from '../../src/log/create-logger.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { auditStoreContract, makeIntent, makeRecord } from './audit-store.contract.js';

const connection = inject('azuriteTableConnection');
let table = '';

auditStoreContract('Azure Table Storage (Azurite)', {
  async open() {
    // One table per test: Azurite is shared by every test file of the run.
    table = `audit${randomUUID().replace(/-/gu, '').slice(0, 20)}`;
    return openTableAuditStore({ connection, table }, { logger: silentLogger() });
  },
  reopen: () => openTableAuditStore({ connection, table }, { logger: silentLogger() }),
});

describe('table audit store specifics', () => {
  it('escapes characters Table Storage forbids in keys, and hashes long components', () => {
    expect(escapeKeyComponent('/subscriptions/a|"etag"#1?x\\y%\u0001')).toBe('%2Fsubscriptions%2Fa%7C"etag"%231%3Fx%5Cy%25%01');
    const long = escapeKeyComponent('x'.repeat(600));
    expect(long).toMatch(/^h-[0-9a-f]{64}$/u);
    expect(escapeKeyComponent('x'.repeat(600))).toBe(long);
    expect(escapeKeyComponent('x'.repeat(601))).not.toBe(long);
  });

  it('splits JSON into chunks without cutting a surrogate pair', () => {
    const text = 'ab😀cd😀';
    const chunks = splitIntoChunks(text, 3);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\ud800-\udbff]$/u);
    expect(splitIntoChunks('')).toEqual(['']);
  });

  it('opens an existing table again without error (409 TableAlreadyExists is fine)', async () => {
    const name = `audit${randomUUID().replace(/-/gu, '').slice(0, 20)}`;
    const a = await openTableAuditStore({ connection, table: name }, { logger: silentLogger() });
    const record = makeRecord();
    await a.append(record);
    const b = await openTableAuditStore({ connection, table: name }, { logger: silentLogger() });
    expect(await b.get(record.id)).toEqual(record);
  });

  it('reads a table that does not exist as empty when read-only', async () => {
    const store = await openTableAuditStore({ connection, table: `missing${randomUUID().replace(/-/gu, '').slice(0, 16)}` }, { logger: silentLogger(), readOnly: true });
    expect(await store.get('x')).toBeUndefined();
    const all: unknown[] = [];
    for await (const r of store.query({})) all.push(r);
    expect(all).toEqual([]);
    await expect(store.append(makeRecord())).rejects.toBeInstanceOf(TableAuditStoreError);
  });

  it('refuses a record too large for an entity with a clear error', async () => {
    const store = await openTableAuditStore({ connection, table: `audit${randomUUID().replace(/-/gu, '').slice(0, 20)}` }, { logger: silentLogger() });
    await expect(store.append(makeRecord({ reasons: ['x'.repeat(600_000)] }))).rejects.toThrow(/at most 480000/u);
  });

  it('reports an unreachable store as transient, without the account key', async () => {
    const dead = connection.replace(/127\.0\.0\.1:\d+/u, '127.0.0.1:9');
    const error = await openTableAuditStore({ connection: dead, table: 'auditdead' }, { logger: silentLogger() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TableAuditStoreError);
    expect((error as TableAuditStoreError).transient).toBe(true);
    expect(String((error as Error).message)).not.toContain('Eby8vdM02');
  });
});

describe('linkgate audit against the table store', () => {
  it('lists, shows and exports from LINKGATE_AUDIT_STORE=table', async () => {
    const name = `audit${randomUUID().replace(/-/gu, '').slice(0, 20)}`;
    const store = await openTableAuditStore({ connection, table: name }, { logger: silentLogger() });
    const old = makeRecord({ time: '2024-05-01T09:00:00.000Z', decision: 'reject' });
    const intent = makeIntent({ time: '2024-05-01T10:00:00.000Z' });
    await store.append(old);
    await store.claim(intent);
    const done: AuditRecord = { ...intent, action: { status: 'succeeded', httpStatus: 200 } };
    await store.complete(done);
    let out = '';
    let err = '';
    const io = {
      stdin: Readable.from([]),
      stdout: new Writable({ write: (c: Buffer, _e, d) => ((out += c.toString('utf8')), d()) }),
      stderr: new Writable({ write: (c: Buffer, _e, d) => ((err += c.toString('utf8')), d()) }),
      env: { LINKGATE_AUDIT_STORE: 'table', LINKGATE_AUDIT_TABLE_CONNECTION: connection, LINKGATE_AUDIT_TABLE: name },
      cwd: process.cwd(),
    };
    expect(await run(['list', '--json'], io)).toBe(0);
    expect(JSON.parse(out)).toEqual([done, old]);
    out = '';
    expect(await run(['list', '--json', '--decision', 'reject'], io)).toBe(0);
    expect(JSON.parse(out)).toEqual([old]);
    out = '';
    expect(await run(['show', intent.id, '--json'], io)).toBe(0);
    expect(JSON.parse(out)).toEqual(done);
    out = '';
    expect(await run(['export', '--since', '2024-05-01T09:30:00Z'], io)).toBe(0);
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l) as AuditRecord)).toEqual([done]);
    expect(await run(['show', 'missing'], io)).toBe(1);
    expect(err).not.toContain('Eby8vdM02');
  });
});
