/**
 * The JSON Lines audit store: the embedded default for local runs (DESIGN §6).
 *
 * Event-sourced: every mutation (claim, takeover, completion, append) appends the full record as
 * one line (audit-file-lines.ts), and the last line for an id wins. Writes are appends only, a
 * crash can tear at most the last line, and the file stays readable with `jq` or `grep`.
 *
 * Claims: a record whose first line carries `leaseUntil` (or action status 'pending') is a claim,
 * and the first claim line for an idempotency key owns that key. `append` must therefore be given
 * records that claim nothing (the pipeline appends only 'skipped' records without a lease).
 *
 * Size: the writer keeps an index of where each record's newest line is (audit-file-index.ts: a
 * few fields per record, never the records), reads records back from disk when asked, and lists
 * through file-audit-query.ts, which reads from the tail in bounded memory. Past `maxBytes` the
 * live file rolls to audit.N.jsonl (audit-file-segments.ts, audit-file-appender.ts); readers read
 * across every segment.
 *
 * Failing closed: before each append the file at the path must still be the file we hold open
 * (same device and inode). A file deleted, moved or replaced under a running writer would swallow
 * every record while ARM writes went ahead, so from then on every mutation fails (transient: the
 * delivery answers 503 and nothing is written to ARM) until the file is restored and linkgate
 * restarted.
 *
 * Concurrency: mutations run through one in-process queue; one writing process per file, enforced
 * by writer-lock.ts. Several instances need the Table Storage store.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log/create-logger.js';
import { openAppender, type Appender } from './audit-file-appender.js';
import { AuditFileIndex, type IndexEntry } from './audit-file-index.js';
import { auditLineOf, parseAuditLine } from './audit-file-lines.js';
import { listSegments } from './audit-file-segments.js';
import { queryAuditFiles } from './file-audit-query.js';
import { FileAuditStoreError } from './file-audit-store-error.js';
import { messageOf } from '../errors/linkgate-error.js';
import { linesForward } from './read-lines.js';
import { acquireWriterLock } from './writer-lock.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from './types.js';
import { collectAsync } from '../util/collect-async.js';

export { FileAuditStoreError } from './file-audit-store-error.js';

export interface FileAuditStoreOptions {
  logger: Logger;
  /** Open for reading only: no folder or file is created and every mutation throws. */
  readOnly?: boolean;
  /** fsync after each line so a claim is on disk before the ARM write it guards (default true). */
  durable?: boolean;
  /** Roll the live file to audit.N.jsonl before it would grow past this many bytes (LINKGATE_AUDIT_MAX_BYTES). */
  maxBytes?: number;
}


/** Reads every segment oldest first into `index`; says where the live file stands. */
async function loadIndex(file: string, index: AuditFileIndex, log: Logger): Promise<{ segments: Map<number, string>; live: number; nextRolled: number; needsNewline: boolean }> {
  const segments = new Map<number, string>();
  let nextRolled = 1;
  let live = 0;
  let needsNewline = false;
  for (const segment of await listSegments(file)) {
    // Rolled segments come first, in order: the live file gets the number after the newest of them.
    const number = segment.number === 0 ? nextRolled : segment.number;
    segments.set(number, segment.path);
    if (segment.number !== 0) nextRolled = segment.number + 1;
    else live = number;
    let lineNumber = 0;
    try {
      for await (const line of linesForward(segment.path)) {
        lineNumber++;
        if (segment.number === 0) needsNewline = !line.terminated;
        if (line.text.trim() === '') continue;
        const parsed = parseAuditLine(line.text);
        if ('problem' in parsed) {
          const torn = !line.terminated;
          log.warn({ segment: segment.path, line: lineNumber, torn, problem: parsed.problem }, torn ? 'skipping a torn last line in the audit file (interrupted write)' : 'skipping a line of the audit file that is not a record');
          continue;
        }
        index.add(parsed.record, { segment: number, offset: line.offset, length: line.length });
      }
    } catch (error) {
      throw new FileAuditStoreError(`cannot read the audit file ${segment.path}: ${messageOf(error)}`, {
        hint: 'check LINKGATE_AUDIT_PATH and the permissions of the file and its folder',
        cause: error,
      });
    }
  }
  return { segments, live, nextRolled, needsNewline };
}

export async function openFileAuditStore(path: string, options: FileAuditStoreOptions): Promise<AuditStore> {
  const file = resolve(path);
  const log = options.logger.child({ auditStore: 'file', file });
  const readOnly = options.readOnly === true;
  const index = new AuditFileIndex();
  let appender: Appender | undefined;
  if (!readOnly) {
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (error) {
      throw new FileAuditStoreError(`cannot create the folder of the audit file ${file}: ${messageOf(error)}`, {
        hint: 'LINKGATE_AUDIT_PATH must name a file in a folder linkgate can create and write',
        cause: error,
      });
    }
    // Lock before reading, so no other writer appends between our load and our first write.
    const lock = await acquireWriterLock(file);
    try {
      const loaded = await loadIndex(file, index, log);
      appender = await openAppender({ file, lock, log, durable: options.durable ?? true, maxBytes: options.maxBytes, ...loaded });
    } catch (error) {
      await lock.release();
      throw error;
    }
    const opened = appender;
    const close = opened.close.bind(opened);
    opened.close = async () => {
      await close();
      await lock.release();
    };
  }
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  /** Appends one line for `record` (its `rev` from the index) and indexes it. */
  async function writeLine(record: AuditRecord): Promise<void> {
    if (closed) throw new FileAuditStoreError('the audit store is closed');
    if (appender === undefined) throw new FileAuditStoreError(`the audit file ${file} is open read-only`);
    const at = await appender.append(auditLineOf(record, index.get(record.id)?.lines ?? 0));
    index.add(record, at);
  }

  /** Reads a record's newest line back from disk. */
  async function read(entry: IndexEntry): Promise<AuditRecord> {
    const parsed = parseAuditLine(await (appender as Appender).readAt(entry));
    if ('problem' in parsed) {
      throw new FileAuditStoreError(`the audit file changed under linkgate at byte ${entry.offset}: ${parsed.problem}`, { hint: 'one writer per audit file; restart linkgate' });
    }
    return parsed.record;
  }

  /** Runs mutations one at a time, in call order; a failed one does not stop the queue. */
  function serialize<T>(job: () => Promise<T>): Promise<T> {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  }

  const checkOpen = (): void => {
    if (closed) throw new FileAuditStoreError('the audit store is closed');
  };
  /** Readers hold no index: they scan the files (a listing, `audit show`), in bounded memory. */
  const scan = (filter: AuditQuery = {}): AsyncGenerator<AuditRecord> => queryAuditFiles(file, filter, { logger: log });

  return {
    claim(intent): Promise<ClaimResult> {
      return serialize(async () => {
        const existing = index.ownerOf(intent.idempotencyKey);
        if (existing !== undefined) return { claimed: false, existing: await read(existing) };
        const record = structuredClone(intent);
        await writeLine(record);
        return { claimed: true, record: structuredClone(record) };
      });
    },

    takeOver(existing, leaseUntil) {
      return serialize(async () => {
        const entry = index.get(existing.id);
        const current = entry === undefined ? undefined : await read(entry);
        if (current === undefined || current.action.status !== 'pending' || current.leaseUntil !== existing.leaseUntil) {
          return { taken: false as const };
        }
        const record: AuditRecord = { ...current, leaseUntil: leaseUntil.toISOString() };
        await writeLine(record);
        return { taken: true as const, record: structuredClone(record) };
      });
    },

    complete: (record) => serialize(() => writeLine(structuredClone(record))),

    append: (record) => serialize(() => writeLine(structuredClone(record))),

    appendOnce(record) {
      return serialize(async () => {
        if (index.hasEquivalent(record)) return false;
        await writeLine(structuredClone(record));
        return true;
      });
    },

    async findByKey(key) {
      checkOpen();
      if (appender === undefined) return (await collectAsync(scan())).filter((r) => r.idempotencyKey === key).reverse();
      return Promise.all(index.withKey(key).map(read));
    },

    async incomplete(target) {
      checkOpen();
      const wanted = target?.toLowerCase();
      if (appender === undefined) {
        return (await collectAsync(scan())).reverse().filter((r) => r.action.status === 'pending' && (wanted === undefined || r.target.toLowerCase() === wanted));
      }
      return Promise.all(index.incomplete(wanted).map(read));
    },

    async get(id) {
      checkOpen();
      if (appender === undefined) {
        for await (const record of scan()) if (record.id === id) return record;
        return undefined;
      }
      const entry = index.get(id);
      return entry === undefined ? undefined : read(entry);
    },

    query(filter: AuditQuery) {
      checkOpen();
      // A snapshot: lines written while the caller iterates are not part of this answer.
      return queryAuditFiles(file, filter, { logger: log, ...(appender === undefined ? {} : { liveEnd: appender.liveSize }) });
    },

    async close() {
      if (closed) return;
      await tail;
      closed = true;
      await appender?.close();
    },
  };
}
