/**
 * Issue 11 Build 3: the file store fails closed when its file goes away under it. Before, with the
 * folder deleted while serving, 153 decisions were written to ARM and answered 200 while their
 * records went into an unlinked inode. Now every delivery after the removal fails (Event Grid
 * retries) and nothing more is written to ARM.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileAuditStore } from '../../src/audit/file-audit-store.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { BULK_TARGETS, STORAGE_ID, planFor, retarget, startE2e, statusIn } from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';
import { makeRecord } from './audit-store.contract.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'linkgate-failclosed-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('file store whose file is removed or replaced', () => {
  it('fails every delivery after its folder is removed, with nothing written to ARM after it', async () => {
    const dir = await tempDir();
    const h = await startE2e({ store: { kind: 'file', path: join(dir, 'audit', 'audit.jsonl') } });
    cleanups.push(() => h.close());

    const first = await h.deliver(readFixture(EVENT_FIXTURES.pecProxyEventGrid));
    expect(first.status, first.text).toBe(200);
    const writesBefore = h.emulator.writes();
    expect(writesBefore).toBeGreaterThan(0);

    await rm(join(dir, 'audit'), { recursive: true, force: true });
    const targets = BULK_TARGETS.slice(0, 3);
    for (const target of targets) {
      const event = retarget(readFixture(EVENT_FIXTURES.pecProxyEventGrid), STORAGE_ID, target);
      const answer = await h.deliver(event);
      expect(answer.status, answer.text).toBe(503);
      expect(answer.json?.['error']).toMatch(/removed/u);
    }
    expect(h.emulator.writes()).toBe(writesBefore);
    for (const connection of targets.flatMap(planFor)) expect(statusIn(h.emulator, connection.id)).toBe(connection.status);
    // The storage account's decisions, made before the removal, stay as they were.
    expect(planFor(STORAGE_ID).some((c) => statusIn(h.emulator, c.id) !== c.status)).toBe(true);
  });

  it('refuses to append once the file is replaced by another one', async () => {
    const dir = await tempDir();
    const file = join(dir, 'audit.jsonl');
    const store = await openFileAuditStore(file, { logger: silentLogger() });
    cleanups.push(() => store.close());
    await store.append(makeRecord());
    await rename(file, `${file}.moved`);
    await writeFile(file, '');
    await expect(store.append(makeRecord())).rejects.toMatchObject({ name: 'FileAuditStoreError', message: expect.stringMatching(/replaced/u) });
    await expect(store.claim(makeRecord({ action: { status: 'pending' } }))).rejects.toThrow(/replaced/u);
  });

  it('refuses to append once its lock is gone (removed by hand, or taken by another writer)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'audit.jsonl');
    await mkdir(dir, { recursive: true });
    const store = await openFileAuditStore(file, { logger: silentLogger() });
    cleanups.push(() => store.close());
    await rm(`${file}.lock`);
    await expect(store.append(makeRecord())).rejects.toThrow(/lost its writer lock/u);
  });
});
