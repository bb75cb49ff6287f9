/**
 * One writer per audit file. The file store's exactly-once guarantee (claims, appendOnce) holds
 * within one process, so a second process appending to the same file (`linkgate reconcile` beside
 * a running `linkgate serve`, two `func start`s) could claim a decision twice. A lock file created
 * with O_EXCL and holding the writer's PID and host refuses the second writer; a lock of this host
 * whose process is gone is stale and taken over. A lock of another host (a shared file system) is
 * never presumed stale: its process cannot be checked from here.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FileAuditStoreError } from './file-audit-store-error.js';
import { messageOf } from '../errors/linkgate-error.js';

export interface WriterLock {
  path: string;
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

export async function acquireWriterLock(file: string): Promise<WriterLock> {
  const path = `${file}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid} ${hostname()}\n`, 'utf8');
      await handle.close();
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FileAuditStoreError(`cannot create the audit lock ${path}: ${messageOf(error)}`, {
          hint: 'check the permissions of the folder of LINKGATE_AUDIT_PATH',
          cause: error,
        });
      }
    }
    const [pidText = '', host = hostname()] = (await readFile(path, 'utf8').catch(() => '')).trim().split(/\s+/u);
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
    // Stale: its writer is gone. Remove it and try again (another process may win the race).
    await unlink(path).catch(() => undefined);
  }
  throw new FileAuditStoreError(`could not take the audit lock ${path}`, { hint: 'another process keeps taking it; run one writer per audit file' });
}
