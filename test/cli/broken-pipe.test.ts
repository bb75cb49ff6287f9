/**
 * `linkgate … | head -1`: when the reader of stdout exits early, linkgate stops quietly with exit 0
 * instead of an EPIPE stack trace or "linkgate: write EPIPE" and exit 1.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import { stopQuietlyOnBrokenPipe, type CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { makeRecord } from '../audit/audit-store.contract.js';

function brokenPipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
}

describe('a reader that exits early', () => {
  it('stops the process quietly on EPIPE and leaves other stream errors loud', () => {
    const stream = new PassThrough();
    let stopped = 0;
    stopQuietlyOnBrokenPipe(stream, () => (stopped += 1));
    stream.emit('error', brokenPipe());
    expect(stopped).toBe(1);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow('disk full');
    expect(stopped).toBe(1);
  });

  it('a command whose awaited write fails with EPIPE exits 0 and says nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkgate-epipe-'));
    const store = await openFileAuditStore(join(dir, 'audit.jsonl'), { logger: silentLogger() });
    for (let i = 0; i < 3; i += 1) await store.append(makeRecord({ time: new Date(Date.now() - i * 60_000).toISOString() }));
    await store.close();
    let err = '';
    const stdout = new Writable({ highWaterMark: 1, write: (_chunk, _enc, done) => done(brokenPipe()) });
    const stderr = new Writable({ write: (chunk: Buffer, _enc, done) => ((err += chunk.toString('utf8')), done()) });
    const io: CliIo = { stdin: Readable.from([]), stdout, stderr, env: { LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl') }, cwd: dir };
    expect(await main(['audit', 'export'], io)).toBe(0);
    expect(err).toBe('');
  });
});
