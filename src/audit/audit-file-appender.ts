/**
 * The live audit file as the writer holds it: appends a line (fsync'd), failing closed if the file
 * at the path is no longer the one held open (same device and inode) or the writer lock is gone;
 * rolls to audit.N.jsonl past `maxBytes`; reads a line back by its location in any segment.
 */
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../log/create-logger.js';
import { rolledPath } from './audit-file-segments.js';
import type { LineLocation } from './audit-file-index.js';
import { FileAuditStoreError } from './file-audit-store-error.js';
import { messageOf } from '../errors/linkgate-error.js';
import type { WriterLock } from './writer-lock.js';

export interface AppenderOptions {
  file: string;
  lock: WriterLock;
  log: Logger;
  durable: boolean;
  maxBytes: number | undefined;
  /** Segment number → path of the segments found at load; the live file is `live`. */
  segments: Map<number, string>;
  live: number;
  /** Number the next rolled file gets (audit.N.jsonl). */
  nextRolled: number;
  /** The live file does not end with a newline (a torn last line). */
  needsNewline: boolean;
}

export interface Appender {
  append(line: string): Promise<LineLocation>;
  readAt(at: LineLocation): Promise<string>;
  /** Bytes of complete lines in the live file. */
  readonly liveSize: number;
  close(): Promise<void>;
}

export async function openAppender(options: AppenderOptions): Promise<Appender> {
  const { file, lock, log, durable, maxBytes, segments } = options;
  let { live, nextRolled, needsNewline } = options;
  let handle: FileHandle | undefined;
  let identity = { dev: 0, ino: 0 };
  let liveSize = 0;
  /** Set once the file at the path is not ours any more: every later append fails. */
  let broken: FileAuditStoreError | undefined;

  async function openLive(): Promise<void> {
    handle = await open(file, 'a');
    const s = await handle.stat();
    identity = { dev: s.dev, ino: s.ino };
    liveSize = s.size;
  }

  function failClosed(reason: string, cause?: unknown): FileAuditStoreError {
    broken = new FileAuditStoreError(`the audit file ${file} ${reason} while linkgate was writing it; no decision is carried out until it is restored`, {
      hint: 'restore the audit file (or its folder), then restart linkgate; meanwhile deliveries fail so Event Grid retries them, and nothing is written to ARM',
      cause,
    });
    log.error({ reason }, 'audit file removed or replaced: failing closed');
    return broken;
  }

  /** The path must still name the file we append to, and the lock must still be ours. */
  async function checkIdentity(): Promise<void> {
    if (broken !== undefined) throw broken;
    let reason: string | undefined;
    try {
      const s = await stat(file);
      if (s.dev !== identity.dev || s.ino !== identity.ino) reason = 'was replaced by another file';
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'or its folder was removed' : `cannot be checked (${messageOf(error)})`;
    }
    if (reason === undefined && !(await lock.stillHeld())) reason = 'lost its writer lock (removed or taken by another process)';
    if (reason !== undefined) throw failClosed(reason);
  }

  async function roll(): Promise<void> {
    const to = rolledPath(file, nextRolled);
    try {
      await handle?.close();
      handle = undefined;
      await rename(file, to);
    } catch (error) {
      throw failClosed(`could not be rolled over to ${to} (${messageOf(error)})`, error);
    }
    segments.set(live, to);
    log.info({ rolledTo: to, bytes: liveSize }, 'audit file rolled over');
    nextRolled++;
    live = Math.max(...segments.keys()) + 1;
    segments.set(live, file);
    needsNewline = false;
    await openLive();
  }

  await openLive();

  return {
    get liveSize() {
      return liveSize;
    },

    async append(body) {
      await checkIdentity();
      if (maxBytes !== undefined && liveSize > 0 && liveSize + Buffer.byteLength(body) + 1 > maxBytes) await roll();
      const line = (needsNewline ? '\n' : '') + body;
      const offset = liveSize + (needsNewline ? 1 : 0);
      const current = handle as FileHandle;
      try {
        await current.appendFile(line, 'utf8');
        if (durable) await current.datasync();
        needsNewline = false;
        liveSize += Buffer.byteLength(line);
      } catch (error) {
        // Part of the line may be on disk: start the next one on a fresh line; readers skip the fragment.
        needsNewline = true;
        liveSize = (await current.stat().catch(() => ({ size: liveSize }))).size;
        throw new FileAuditStoreError(`cannot append to the audit file ${file}: ${messageOf(error)}`, {
          hint: 'check free disk space and the permissions of LINKGATE_AUDIT_PATH',
          cause: error,
        });
      }
      return { segment: live, offset, length: Buffer.byteLength(body) - 1 };
    },

    async readAt(at) {
      const where = segments.get(at.segment) as string;
      try {
        const reader = await open(where, 'r');
        try {
          const buffer = Buffer.alloc(at.length);
          await reader.read(buffer, 0, at.length, at.offset);
          return buffer.toString('utf8');
        } finally {
          await reader.close();
        }
      } catch (error) {
        throw new FileAuditStoreError(`cannot read the audit file ${where}: ${messageOf(error)}`, { cause: error });
      }
    },

    async close() {
      await handle?.close();
    },
  };
}
