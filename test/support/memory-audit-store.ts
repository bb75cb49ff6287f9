/**
 * An in-memory AuditStore for pipeline unit tests, with switches to make it fail: the pipeline's
 * promise "no audit, no ARM write" is tested by turning the store off. It runs the same contract
 * as the real stores (test/audit/memory-audit-store.test.ts), so a pipeline test cannot pass on
 * behaviour neither store has: `query` honours every filter, every answer is a copy.
 */
import { equivalenceKeyOf } from '../../src/audit/equivalence-key.js';
import { recordMatchesQuery } from '../../src/audit/record-matches-query.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from '../../src/audit/types.js';

export interface MemoryAuditStore extends AuditStore {
  records: Map<string, AuditRecord>;
  /** When set, every call throws this error (an unreachable store). */
  unavailable: Error | undefined;
  /** A second store over the same data, as a restarted process would see it. */
  reopen(): MemoryAuditStore;
}

interface MemoryState {
  records: Map<string, AuditRecord>;
  /** Idempotency key → id of the record that claimed it. */
  claims: Map<string, string>;
  /** Equivalence keys of records that claim nothing (appendOnce), as the file store indexes them. */
  once: Set<string>;
  /** Write order of each record's first write: the tie-break among records of the same instant. */
  order: Map<string, number>;
}

export function createMemoryAuditStore(state: MemoryState = { records: new Map(), claims: new Map(), once: new Set(), order: new Map() }): MemoryAuditStore {
  const { records, claims, once, order } = state;
  let closed = false;
  const put = (record: AuditRecord): void => {
    if (!order.has(record.id)) order.set(record.id, order.size);
    records.set(record.id, structuredClone(record));
    if (record.action.status === 'skipped' && record.leaseUntil === undefined) once.add(equivalenceKeyOf(record));
  };
  const copies = (list: AuditRecord[]): AuditRecord[] => list.map((r) => structuredClone(r));
  const byTime = (a: AuditRecord, b: AuditRecord): number => Date.parse(a.time) - Date.parse(b.time) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0);
  const store: MemoryAuditStore = {
    records,
    unavailable: undefined,
    reopen: () => createMemoryAuditStore(state),
    async claim(intent): Promise<ClaimResult> {
      check();
      const owner = claims.get(intent.idempotencyKey);
      if (owner !== undefined) return { claimed: false, existing: structuredClone(records.get(owner) as AuditRecord) };
      claims.set(intent.idempotencyKey, intent.id);
      put(intent);
      return { claimed: true, record: structuredClone(intent) };
    },
    async takeOver(existing, leaseUntil) {
      check();
      const current = records.get(existing.id);
      if (current === undefined || current.action.status !== 'pending' || current.leaseUntil !== existing.leaseUntil) return { taken: false };
      const record = { ...current, leaseUntil: leaseUntil.toISOString() };
      put(record);
      return { taken: true, record: structuredClone(record) };
    },
    async complete(record) {
      check();
      put(record);
    },
    async append(record) {
      check();
      put(record);
    },
    async appendOnce(record) {
      check();
      if (once.has(equivalenceKeyOf(record))) return false;
      put(record);
      return true;
    },
    async findByKey(key) {
      check();
      return copies([...records.values()].filter((r) => r.idempotencyKey === key).sort(byTime));
    },
    async incomplete(target) {
      check();
      const wanted = target?.toLowerCase();
      const open = [...records.values()].filter(
        (r) => (wanted === undefined || r.target.toLowerCase() === wanted) && r.action.status === 'pending' && claims.get(r.idempotencyKey) === r.id,
      );
      return copies(open.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)));
    },
    async get(id) {
      check();
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    async *query(filter: AuditQuery) {
      check();
      // A snapshot, newest first, as the real stores answer.
      const all = [...records.values()].sort((a, b) => byTime(b, a));
      let count = 0;
      for (const record of all) {
        if (filter.limit !== undefined && count >= filter.limit) return;
        if (!recordMatchesQuery(record, filter)) continue;
        count++;
        yield structuredClone(record);
      }
    },
    async close() {
      closed = true;
    },
  };
  function check(): void {
    if (store.unavailable !== undefined) throw store.unavailable;
    if (closed) throw new Error('the memory audit store is closed');
  }
  return store;
}
