import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import { silentLogger } from '../../src/log/create-logger.js';

async function tempFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'linkgate-lock-')), 'audit.jsonl');
}

describe('one writer per audit file', () => {
  it('refuses a second writer while the first is open, and frees the file on close', async () => {
    const file = await tempFile();
    const first = await openFileAuditStore(file, { logger: silentLogger() });
    await expect(openFileAuditStore(file, { logger: silentLogger() })).rejects.toMatchObject({
      name: 'FileAuditStoreError',
      message: expect.stringContaining(`in use by process ${process.pid}`),
      hint: expect.stringContaining('one writer per audit file'),
    });
    // Readers (linkgate audit, the demo's table) need no lock.
    const reader = await openFileAuditStore(file, { logger: silentLogger(), readOnly: true });
    await reader.close();
    await first.close();
    const second = await openFileAuditStore(file, { logger: silentLogger() });
    await second.close();
  });

  it('refuses a writer held by another live process', async () => {
    const file = await tempFile();
    // A live foreign process: it stays alive while its stdin is open (no timer), until the test kills it.
    const other = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => other.once('exit', resolve));
    try {
      await writeFile(`${file}.lock`, `${other.pid}\n`);
      await expect(openFileAuditStore(file, { logger: silentLogger() })).rejects.toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill();
      await exited;
    }
  });

  it('takes over a stale lock whose process is gone', async () => {
    const file = await tempFile();
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    await writeFile(`${file}.lock`, `${gone.pid}\n`);
    const store = await openFileAuditStore(file, { logger: silentLogger() });
    expect((await readFile(`${file}.lock`, 'utf8')).trim()).toMatch(new RegExp(`^${process.pid} ${hostname().replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')} [0-9a-f-]{36}$`, 'u'));
    await store.close();
  });

  it('never presumes a lock of another host stale (a shared file system)', async () => {
    const file = await tempFile();
    await writeFile(`${file}.lock`, '1 some-other-host\n');
    await expect(openFileAuditStore(file, { logger: silentLogger() })).rejects.toThrow('in use by process 1 on host some-other-host');
  });
});
