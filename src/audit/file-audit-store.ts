/**
 * The JSON Lines audit store: the embedded default for local runs (DESIGN §6).
 *
 * Event-sourced: every mutation (claim, takeover, completion, append) appends the full record as
 * one line, and the last line for an id wins. Writes are therefore appends only, a crash can tear
 * at most the last line, and the file stays readable with `jq` or `grep`.
 *
 * Claims: a record whose first line carries `leaseUntil` (or action status 'pending') is a claim,
 * and the first claim line for an idempotency key owns that key. `append` must therefore be given
 * records that claim nothing (the pipeline appends only 'skipped' records without a lease).
 *
 * Concurrency: every mutation runs through one in-process queue that checks the in-memory index,
 * appends the line and only then updates the index, so concurrent calls never interleave lines and
 * claim/takeOver are atomic within the process. One writing process per file: several instances
 * need the Table Storage store.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log/create-logger.js';
import { equivalenceKeyOf } from './equivalence-key.js';
import { FileAuditStoreError } from './file-audit-store-error.js';
import { recordMatchesQuery } from './record-matches-query.js';
import { acquireWriterLock, type WriterLock } from './writer-lock.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from './types.js';
import { messageOf } from '../errors/linkgate-error.js';

export { FileAuditStoreError } from './file-audit-store-error.js';

export interface FileAuditStoreOptions {
  logger: Logger;
  /** Open for reading only: no folder or file is created and every mutation throws. */
  readOnly?: boolean;
  /** fsync after each line so a claim is on disk before the ARM write it guards (default true). */
  durable?: boolean;
}

interface Entry {
  record: AuditRecord;
  /** Write order of the record's first line: the tie-break among records of the same instant. */
  order: number;
}

function looksLikeRecord(value: unknown): value is AuditRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Partial<AuditRecord>;
  return (
    typeof r.id === 'string' &&
    typeof r.time === 'string' &&
    typeof r.target === 'string' &&
    typeof r.idempotencyKey === 'string' &&
    typeof r.action === 'object' &&
    r.action !== null &&
    typeof r.action.status === 'string'
  );
}

function isClaimLine(record: AuditRecord): boolean {
  return record.leaseUntil !== undefined || record.action.status === 'pending';
}

export async function openFileAuditStore(path: string, options: FileAuditStoreOptions): Promise<AuditStore> {
  const file = resolve(path);
  const log = options.logger.child({ auditStore: 'file', file });
  const durable = options.durable ?? true;
  const entries = new Map<string, Entry>();
  const claims = new Map<string, string>();
  const byKey = new Map<string, Set<string>>();
  let nextOrder = 0;
  // True when the file does not end with a newline (a torn or unterminated last line).
  let needsNewline = false;

  /** Equivalence keys of the records that claim nothing, for appendOnce. */
  const equivalent = new Set<string>();

  function index(record: AuditRecord, claim: boolean): void {
    const previous = entries.get(record.id);
    if (previous !== undefined && previous.record.idempotencyKey !== record.idempotencyKey) {
      byKey.get(previous.record.idempotencyKey)?.delete(record.id);
    }
    entries.set(record.id, { record, order: previous?.order ?? nextOrder++ });
    let ids = byKey.get(record.idempotencyKey);
    if (ids === undefined) byKey.set(record.idempotencyKey, (ids = new Set()));
    ids.add(record.id);
    if (claim && !claims.has(record.idempotencyKey)) claims.set(record.idempotencyKey, record.id);
    if (record.action.status === 'skipped' && record.leaseUntil === undefined) equivalent.add(equivalenceKeyOf(record));
  }

  let handle: FileHandle | undefined;
  let lock: WriterLock | undefined;
  if (options.readOnly !== true) {
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (error) {
      throw new FileAuditStoreError(`cannot create the folder of the audit file ${file}: ${messageOf(error)}`, {
        hint: 'LINKGATE_AUDIT_PATH must name a file in a folder linkgate can create and write',
        cause: error,
      });
    }
    // Lock before reading, so no other writer appends between our load and our first write.
    lock = await acquireWriterLock(file);
    try {
      await load();
      handle = await open(file, 'a');
    } catch (error) {
      await lock.release();
      throw error;
    }
  } else {
    await load();
  }
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  async function load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new FileAuditStoreError(`cannot read the audit file ${file}: ${messageOf(error)}`, {
        hint: 'check LINKGATE_AUDIT_PATH and the permissions of the file and its folder',
        cause: error,
      });
    }
    const lines = text.split('\n');
    const terminated = text.endsWith('\n');
    needsNewline = text !== '' && !terminated;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (!looksLikeRecord(parsed)) {
        const torn = i === lines.length - 1 && !terminated;
        log.warn({ line: i + 1, torn }, torn ? 'skipping a torn last line in the audit file (interrupted write)' : 'skipping an unreadable line in the audit file');
        continue;
      }
      index(parsed, !entries.has(parsed.id) && isClaimLine(parsed));
    }
  }

  /** Runs mutations one at a time, in call order; a failed one does not stop the queue. */
  function serialize<T>(job: () => Promise<T>): Promise<T> {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  }

  async function writeLine(record: AuditRecord): Promise<void> {
    if (closed) throw new FileAuditStoreError('the audit store is closed');
    if (handle === undefined) throw new FileAuditStoreError(`the audit file ${file} is open read-only`);
    const line = (needsNewline ? '\n' : '') + JSON.stringify(record) + '\n';
    try {
      await handle.appendFile(line, 'utf8');
      if (durable) await handle.datasync();
      needsNewline = false;
    } catch (error) {
      // Part of the line may be on disk: start the next one on a fresh line; load() skips the fragment.
      needsNewline = true;
      throw new FileAuditStoreError(`cannot append to the audit file ${file}: ${messageOf(error)}`, {
        hint: 'check free disk space and the permissions of LINKGATE_AUDIT_PATH',
        cause: error,
      });
    }
  }

  const clone = (record: AuditRecord): AuditRecord => structuredClone(record);
  const checkOpen = (): void => {
    if (closed) throw new FileAuditStoreError('the audit store is closed');
  };

  return {
    claim(intent): Promise<ClaimResult> {
      return serialize(async () => {
        const owner = claims.get(intent.idempotencyKey);
        const existing = owner === undefined ? undefined : entries.get(owner);
        if (existing !== undefined) return { claimed: false, existing: clone(existing.record) };
        const record = clone(intent);
        await writeLine(record);
        index(record, true);
        return { claimed: true, record: clone(record) };
      });
    },

    takeOver(existing, leaseUntil) {
      return serialize(async () => {
        const current = entries.get(existing.id)?.record;
        if (current === undefined || current.action.status !== 'pending' || current.leaseUntil !== existing.leaseUntil) {
          return { taken: false as const };
        }
        const record: AuditRecord = { ...clone(current), leaseUntil: leaseUntil.toISOString() };
        await writeLine(record);
        index(record, false);
        return { taken: true as const, record: clone(record) };
      });
    },

    complete(record) {
      return serialize(async () => {
        const copy = clone(record);
        await writeLine(copy);
        index(copy, false);
      });
    },

    append(record) {
      return serialize(async () => {
        const copy = clone(record);
        await writeLine(copy);
        index(copy, false);
      });
    },

    appendOnce(record) {
      return serialize(async () => {
        if (equivalent.has(equivalenceKeyOf(record))) return false;
        const copy = clone(record);
        await writeLine(copy);
        index(copy, false);
        return true;
      });
    },

    async findByKey(key) {
      checkOpen();
      const found = [...(byKey.get(key) ?? [])].map((id) => entries.get(id) as Entry);
      found.sort((a, b) => Date.parse(a.record.time) - Date.parse(b.record.time) || a.order - b.order);
      return found.map((e) => clone(e.record));
    },

    async incomplete(target) {
      checkOpen();
      const wanted = target?.toLowerCase();
      const found = [...entries.values()].filter(
        (e) =>
          (wanted === undefined || e.record.target.toLowerCase() === wanted) &&
          e.record.action.status === 'pending' &&
          claims.get(e.record.idempotencyKey) === e.record.id,
      );
      found.sort((a, b) => a.order - b.order);
      return found.map((e) => clone(e.record));
    },

    async get(id) {
      checkOpen();
      const entry = entries.get(id);
      return entry === undefined ? undefined : clone(entry.record);
    },

    async *query(filter: AuditQuery) {
      checkOpen();
      // A snapshot: records written while the caller iterates are not part of this answer.
      const all = [...entries.values()].sort((a, b) => Date.parse(b.record.time) - Date.parse(a.record.time) || b.order - a.order);
      let count = 0;
      for (const entry of all) {
        if (filter.limit !== undefined && count >= filter.limit) return;
        if (!recordMatchesQuery(entry.record, filter)) continue;
        count++;
        yield clone(entry.record);
      }
    },

    async close() {
      if (closed) return;
      await tail;
      closed = true;
      await handle?.close();
      await lock?.release();
    },
  };
}
