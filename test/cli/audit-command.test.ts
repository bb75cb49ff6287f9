import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { run, HELP } from '../../src/cli/commands/audit.js';
import { EXPORT_HELP } from '../../src/cli/commands/audit-export.js';
import { LIST_HELP } from '../../src/cli/commands/audit-list.js';
import { SHOW_HELP } from '../../src/cli/commands/audit-show.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { makeIntent, makeRecord, OTHER_TARGET } from '../audit/audit-store.contract.js';

interface FakeIo extends CliIo {
  out(): string;
  err(): string;
}

function fakeIo(cwd: string, env: Record<string, string> = {}): FakeIo {
  let out = '';
  let err = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  const stderr = new Writable({
    write(chunk: Buffer, _enc, done) {
      err += chunk.toString('utf8');
      done();
    },
  });
  return { stdin: Readable.from([]), stdout, stderr, env: { LINKGATE_AUDIT_PATH: 'audit/audit.jsonl', ...env }, cwd, out: () => out, err: () => err };
}

let dir = '';
const now = Date.now();
const minutesAgo = (m: number): string => new Date(now - m * 60_000).toISOString();
let records: AuditRecord[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-audit-cli-'));
  const store = await openFileAuditStore(join(dir, 'audit', 'audit.jsonl'), { logger: silentLogger() });
  records = [
    makeRecord({ time: minutesAgo(5), decision: 'approve', policy: 'payments-pls', requestMessage: 'CHG000001\u001b[2J' }),
    makeRecord({ time: minutesAgo(120), decision: 'reject', policy: 'payments-pls', reasons: ['consumer subscription is denied', 'second'] }),
    makeRecord({ time: minutesAgo(60 * 24 * 3), decision: 'manual', policy: 'other', target: OTHER_TARGET, requestMessage: '=HYPERLINK("x")' }),
  ];
  for (const r of records) await store.append(r);
  const intent = makeIntent({ time: minutesAgo(1), decision: 'approve', policy: 'payments-pls' });
  await store.claim(intent);
  await store.complete({ ...intent, action: { status: 'succeeded', httpStatus: 200, armRequestId: 'arm-req-1' } });
  records.unshift({ ...intent, action: { status: 'succeeded', httpStatus: 200, armRequestId: 'arm-req-1' } });
  await store.close();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linkgate audit list', () => {
  it('prints a table, newest first, with control characters made visible', async () => {
    const io = fakeIo(dir);
    expect(await run(['list'], io)).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^time\s+id\s+decision/u);
    expect(lines).toHaveLength(2 + records.length);
    records.forEach((r, i) => expect(lines[2 + i]).toContain(r.id));
    expect(io.out()).not.toContain('\u001b');
    expect(io.err()).toContain('4 records, newest first');
  });

  it('filters by since, decision, target and policy, and limits', async () => {
    const ids = async (args: string[]): Promise<string[]> => {
      const io = fakeIo(dir);
      expect(await run(['list', '--json', ...args], io)).toBe(0);
      return (JSON.parse(io.out()) as AuditRecord[]).map((r) => r.id);
    };
    const [r0, r1, r2, r3] = records as [AuditRecord, AuditRecord, AuditRecord, AuditRecord];
    expect(await ids([])).toEqual([r0.id, r1.id, r2.id, r3.id]);
    expect(await ids(['--since', '1d'])).toEqual([r0.id, r1.id, r2.id]);
    expect(await ids(['--decision', 'APPROVE'])).toEqual([r0.id, r1.id]);
    expect(await ids(['--policy', 'other'])).toEqual([r3.id]);
    expect(await ids(['--target', '/subscriptions/**/pls-two'])).toEqual([r3.id]);
    expect(await ids(['--limit', '2'])).toEqual([r0.id, r1.id]);
    expect(await ids(['--since', new Date(now - 10 * 60_000).toISOString()])).toEqual([r0.id, r1.id]);
  });

  it('says so when nothing matches, and reads a missing file in an existing folder as empty without creating it', async () => {
    const io = fakeIo(dir, { LINKGATE_AUDIT_PATH: join(dir, 'audit', 'not-yet.jsonl') });
    expect(await run(['list'], io)).toBe(0);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('no audit records match');
    await expect(stat(join(dir, 'audit', 'not-yet.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 1 saying where it looked when the audit file cannot exist (its folder is missing), creating nothing', async () => {
    const path = join(dir, 'nowhere', 'audit.jsonl');
    for (const args of [['list'], ['export'], ['show', 'some-id']]) {
      const io = fakeIo(dir, { LINKGATE_AUDIT_PATH: path });
      expect(await main(['audit', ...args], io), args.join(' ')).toBe(1);
      expect(io.err()).toContain(`the audit file does not exist: looked for ${path}`);
      expect(io.err()).not.toContain('no audit records match');
    }
    await expect(stat(join(dir, 'nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 2 on bad usage through main', async () => {
    for (const args of [['list', '--since', 'yesterday'], ['list', '--decision', 'maybe'], ['list', '--limit', '0'], ['list', '--bogus'], ['frobnicate'], []]) {
      const io = fakeIo(dir);
      expect(await main(['audit', ...args], io), args.join(' ')).toBe(2);
      expect(io.err()).toContain('linkgate audit');
    }
  });

  it('exits 2 on a bad configuration', async () => {
    const io = fakeIo(dir, { LINKGATE_AUDIT_STORE: 'sqlite' });
    expect(await main(['audit', 'list'], io)).toBe(2);
    expect(io.err()).toContain('LINKGATE_AUDIT_STORE');
  });
});

describe('linkgate audit show', () => {
  it('shows one record in full', async () => {
    const target = records.find((r) => r.decision === 'reject') as AuditRecord;
    const io = fakeIo(dir);
    expect(await run(['show', target.id], io)).toBe(0);
    expect(io.out()).toContain('consumer subscription is denied');
    expect(io.out()).toContain('second');
    expect(io.out()).toContain(target.connectionId);
    const json = fakeIo(dir);
    expect(await run(['show', target.id, '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual(target);
  });

  it('escapes a hostile request message', async () => {
    const withEscape = fakeIo(dir);
    expect(await run(['show', (records.find((r) => r.requestMessage.includes('\u001b')) as AuditRecord).id], withEscape)).toBe(0);
    expect(withEscape.out()).toContain('CHG000001\\u001b[2J');
    expect(withEscape.out()).not.toContain('\u001b');
  });

  it('exits 1 for an unknown id and 2 without one', async () => {
    const io = fakeIo(dir);
    expect(await run(['show', 'no-such-record'], io)).toBe(1);
    expect(io.err()).toContain('no audit record with id "no-such-record"');
    expect(await main(['audit', 'show'], fakeIo(dir))).toBe(2);
  });
});

describe('linkgate audit export', () => {
  it('writes JSON Lines by default', async () => {
    const io = fakeIo(dir);
    expect(await run(['export'], io)).toBe(0);
    const lines = io.out().trimEnd().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toEqual(records);
  });

  it('writes CSV with a header, defused formulas, and the filters applied', async () => {
    const io = fakeIo(dir);
    expect(await run(['export', '--format', 'csv', '--decision', 'manual'], io)).toBe(0);
    const text = io.out();
    expect(text.split('\r\n')[0]).toMatch(/^id,time,kind,trigger,target/u);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text.split('\r\n').filter((l) => l !== '')).toHaveLength(2);
  });

  it('waits for a slow stdout to drain', async () => {
    const io = fakeIo(dir);
    const slow = new PassThrough({ highWaterMark: 16 });
    let received = '';
    slow.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    expect(await run(['export'], { ...io, stdout: slow })).toBe(0);
    expect(received.trimEnd().split('\n')).toHaveLength(records.length);
  });

  it('rejects an unknown format', async () => {
    expect(await main(['audit', 'export', '--format', 'xml'], fakeIo(dir))).toBe(2);
  });
});

describe('help', () => {
  it('prints help for the command and each subcommand', async () => {
    for (const [args, text] of [
      [['--help'], HELP],
      [['list', '--help'], LIST_HELP],
      [['show', '--help'], SHOW_HELP],
      [['export', '--help'], EXPORT_HELP],
    ] as const) {
      const io = fakeIo(dir);
      expect(await run([...args], io)).toBe(0);
      expect(io.out()).toBe(text);
    }
  });
});

it('leaves the audit file untouched', async () => {
  const file = join(dir, 'audit', 'audit.jsonl');
  const before = await readFile(file, 'utf8');
  await run(['list'], fakeIo(dir));
  await run(['export', '--format', 'csv'], fakeIo(dir));
  expect(await readFile(file, 'utf8')).toBe(before);
});

describe('human and observed records', () => {
  it('show who decided and why in list, show and the CSV export', async () => {
    const file = join(dir, 'audit', 'audit.jsonl');
    const store = await openFileAuditStore(file, { logger: silentLogger() });
    const human = makeRecord({
      time: new Date(now).toISOString(),
      decision: 'approve',
      trigger: { type: 'human', principal: 'alice@contoso.com', reason: 'CHG123456 signed off by payments', override: true },
      reasons: ['approved by alice@contoso.com: CHG123456 signed off by payments'],
    });
    const observed = makeRecord({ time: new Date(now - 1000).toISOString(), decision: 'reject', trigger: { type: 'observed' }, enforced: false, reasons: ['decided outside linkgate'] });
    await store.append(human);
    await store.append(observed);
    await store.close();

    const list = fakeIo(dir);
    expect(await run(['list'], list)).toBe(0);
    expect(list.out()).toContain('approve (alice@contoso.com, override)');
    expect(list.out()).toContain('reject (observed)');
    expect(list.out()).toContain('decided outside linkgate');

    const show = fakeIo(dir);
    expect(await run(['show', human.id], show)).toBe(0);
    expect(show.out()).toMatch(/decided by\s+alice@contoso\.com/u);
    expect(show.out()).toMatch(/their reason\s+CHG123456 signed off by payments/u);
    expect(show.out()).toMatch(/trigger\s+human:alice@contoso\.com\+override/u);

    const csv = fakeIo(dir);
    expect(await run(['export', '--format', 'csv', '--limit', '1'], csv)).toBe(0);
    const [header, row] = csv.out().split('\r\n');
    expect(header).toMatch(/,principal,humanReason$/u);
    expect(row).toMatch(/,alice@contoso\.com,CHG123456 signed off by payments$/u);
  });

  it('refuses a --target that is not an ID pattern (exit 2)', async () => {
    const io = fakeIo(dir);
    expect(await main(['audit', 'list', '--target', 'pls-one'], io)).toBe(2);
    expect(io.err()).toContain("must start with '/subscriptions/'");
  });
});
