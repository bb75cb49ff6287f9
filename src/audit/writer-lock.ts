/**
 * One writer per audit file. The file store's exactly-once guarantee (claims, appendOnce) holds
 * within one process, so a second process appending to the same file (`linkgate reconcile` beside
 * a running `linkgate serve`, two `func start`s) could claim a decision twice. The lock file holds
 * the writer's PID and host; a lock of this host whose process is gone is stale and taken over. A
 * lock of another host (a shared file system) is never presumed stale: its process cannot be
 * checked from here.
 *
 * Every step is a single atomic file-system operation, never check-then-write (issue 11: with
 * unlink-then-create, two processes both held a stale lock in 91 of 200 races):
 * - take: the lock's content is written to a private temporary file first, then `link`ed to the
 *   lock path; link fails with EEXIST if any lock is there, so of two takers exactly one wins, and
 *   the lock is never seen empty or half-written.
 * - break a stale lock: `rename` it to a private name (atomic: of two breakers one moves it, the
 *   other gets ENOENT), then check that what was moved is the stale lock read before (its random
 *   token; inode numbers are reused too soon to tell locks apart).
 *   If a fresh lock was moved instead (another process broke the stale one and took the lock in
 *   between), it is linked straight back; the breaker then competes by `link` like any taker.
 * - hold: `stillHeld()` says whether the lock path is still this lock (same token); the store
 *   checks it before each append, so even a lock removed by hand stops the writer.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FileAuditStoreError } from './file-audit-store-error.js';
import { messageOf } from '../errors/linkgate-error.js';

export interface WriterLock {
  path: string;
  /** Whether the lock path still names this lock. */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

interface LockContent {
  pid: string;
  host: string;
  /** Random per lock: tells this lock from any other, whatever inode it lands on. */
  token: string;
}

/** The lock at `path`, or undefined when there is none. */
async function readLock(path: string): Promise<LockContent | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
  const [pid = '', host = hostname(), token = ''] = text.trim().split(/\s+/u);
  return { pid, host, token };
}

function cannotLock(path: string, error: unknown): FileAuditStoreError {
  return new FileAuditStoreError(`cannot create the audit lock ${path}: ${messageOf(error)}`, {
    hint: 'check the permissions of the folder of LINKGATE_AUDIT_PATH',
    cause: error,
  });
}

/**
 * Moves a stale lock (inode `staleIno`) out of the way. Returns when the lock path no longer holds
 * that stale lock, whoever removed it.
 */
async function breakStaleLock(path: string, stale: LockContent): Promise<void> {
  const grave = `${path}.stale-${process.pid}-${randomUUID()}`;
  try {
    await rename(path, grave);
  } catch (error) {
    if (code(error) === 'ENOENT') return; // another breaker moved it first
    throw cannotLock(path, error);
  }
  if ((await readLock(grave).catch(() => undefined))?.token === stale.token) {
    await unlink(grave).catch(() => undefined);
    return;
  }
  // We moved a fresh lock some other process took after the stale one went: put it back at once.
  try {
    await link(grave, path);
  } catch (error) {
    // EEXIST: a third process took the empty path meanwhile. The lock we moved no longer names
    // the path, so its holder's stillHeld() turns false and it stops writing: still one writer.
    if (code(error) !== 'EEXIST') throw cannotLock(path, error);
  } finally {
    await unlink(grave).catch(() => undefined);
  }
}

export async function acquireWriterLock(file: string, attempts = 5): Promise<WriterLock> {
  const path = `${file}.lock`;
  const staging = `${path}.new-${process.pid}-${randomUUID()}`;
  const token = randomUUID();
  const mine = async (): Promise<boolean> => (await readLock(path).catch(() => undefined))?.token === token;
  try {
    await writeFile(staging, `${process.pid} ${hostname()} ${token}\n`, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    throw cannotLock(path, error);
  }
  try {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        await link(staging, path);
        let released = false;
        return {
          path,
          stillHeld: async () => !released && (await mine()),
          async release() {
            if (released) return;
            released = true;
            // Only our own lock: never remove one another process holds now.
            if (await mine()) await unlink(path).catch(() => undefined);
          },
        };
      } catch (error) {
        if (code(error) !== 'EEXIST') throw cannotLock(path, error);
      }
      const current = await readLock(path).catch(() => undefined);
      if (current === undefined) continue; // released between our link and our look: try again
      const { pid: pidText, host } = current;
      const owner = Number.parseInt(pidText, 10);
      if (host !== hostname()) {
        throw new FileAuditStoreError(`the audit file ${file} is in use by process ${pidText} on host ${host}`, {
          hint: `one writer per audit file: use LINKGATE_AUDIT_STORE=table for several instances; if that host is gone, delete ${path}`,
        });
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new FileAuditStoreError(`the audit file ${file} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}`, {
          hint: 'one writer per audit file: stop the other linkgate process, give each its own LINKGATE_AUDIT_PATH, or use LINKGATE_AUDIT_STORE=table for several instances',
        });
      }
      await breakStaleLock(path, current);
    }
  } finally {
    await unlink(staging).catch(() => undefined);
  }
  throw new FileAuditStoreError(`could not take the audit lock ${path}`, { hint: 'another process keeps taking it; run one writer per audit file' });
}
