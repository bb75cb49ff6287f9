/**
 * The file store writer's in-memory index: for each record, where its newest line is and the few
 * fields the exactly-once checks need (which record owns an idempotency key, which equivalence
 * keys were written, which claims are still pending). Records themselves stay on disk, so the
 * index costs a few dozen bytes per record whatever the records hold.
 */
import { equivalenceKeyOf } from './equivalence-key.js';
import type { AuditRecord } from './types.js';

/** A line in a segment of the audit file (audit-file-segments.ts). */
export interface LineLocation {
  segment: number;
  offset: number;
  length: number;
}

export interface IndexEntry extends LineLocation {
  /** Lines written for this record so far (the next line's `rev`). */
  lines: number;
  /** Write order of the record's first line: the tie-break among records of the same instant. */
  order: number;
  ms: number;
  key: string;
  target: string;
  pending: boolean;
}

const isClaimLine = (record: AuditRecord): boolean => record.leaseUntil !== undefined || record.action.status === 'pending';

export class AuditFileIndex {
  private readonly entries = new Map<string, IndexEntry>();
  /** Idempotency key → the id of the record whose first line claimed it. */
  private readonly claims = new Map<string, string>();
  private readonly byKey = new Map<string, Set<string>>();
  /** Equivalence keys of the records that claim nothing, for appendOnce. */
  private readonly equivalent = new Set<string>();
  private nextOrder = 0;

  /** Indexes a line just read or written; the first claim line for a key owns the key. */
  add(record: AuditRecord, at: LineLocation): void {
    const previous = this.entries.get(record.id);
    if (previous !== undefined && previous.key !== record.idempotencyKey) this.byKey.get(previous.key)?.delete(record.id);
    this.entries.set(record.id, {
      ...at,
      lines: (previous?.lines ?? 0) + 1,
      order: previous?.order ?? this.nextOrder++,
      ms: Date.parse(record.time),
      key: record.idempotencyKey,
      target: record.target.toLowerCase(),
      pending: record.action.status === 'pending',
    });
    let ids = this.byKey.get(record.idempotencyKey);
    if (ids === undefined) this.byKey.set(record.idempotencyKey, (ids = new Set()));
    ids.add(record.id);
    if (previous === undefined && isClaimLine(record) && !this.claims.has(record.idempotencyKey)) this.claims.set(record.idempotencyKey, record.id);
    if (record.action.status === 'skipped' && record.leaseUntil === undefined) this.equivalent.add(equivalenceKeyOf(record));
  }

  get(id: string): IndexEntry | undefined {
    return this.entries.get(id);
  }

  /** The record that owns an idempotency key. */
  ownerOf(key: string): IndexEntry | undefined {
    const id = this.claims.get(key);
    return id === undefined ? undefined : this.entries.get(id);
  }

  hasEquivalent(record: AuditRecord): boolean {
    return this.equivalent.has(equivalenceKeyOf(record));
  }

  /** Records of one idempotency key, oldest first. */
  withKey(key: string): IndexEntry[] {
    const found = [...(this.byKey.get(key) ?? [])].map((id) => this.entries.get(id) as IndexEntry);
    return found.sort((a, b) => a.ms - b.ms || a.order - b.order);
  }

  /** Claims still pending, of one target (lower case) or all, in write order. */
  incomplete(target: string | undefined): IndexEntry[] {
    const found: IndexEntry[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.pending && (target === undefined || entry.target === target) && this.claims.get(entry.key) === id) found.push(entry);
    }
    return found.sort((a, b) => a.order - b.order);
  }
}
