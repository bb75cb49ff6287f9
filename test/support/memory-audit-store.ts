/**
 * An in-memory AuditStore for pipeline unit tests, with switches to make it fail: the pipeline's
 * promise "no audit, no ARM write" is tested by turning the store off.
 */
import { equivalenceKeyOf } from '../../src/audit/equivalence-key.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from '../../src/audit/types.js';

export interface MemoryAuditStore extends AuditStore {
  records: Map<string, AuditRecord>;
  /** When set, every call throws this error (an unreachable store). */
  unavailable: Error | undefined;
}

export function createMemoryAuditStore(): MemoryAuditStore {
  const records = new Map<string, AuditRecord>();
  const claims = new Map<string, string>();
  const once = new Set<string>();
  const store: MemoryAuditStore = {
    records,
    unavailable: undefined,
    async claim(intent): Promise<ClaimResult> {
      check();
      const owner = claims.get(intent.idempotencyKey);
      if (owner !== undefined) return { claimed: false, existing: structuredClone(records.get(owner) as AuditRecord) };
      claims.set(intent.idempotencyKey, intent.id);
      records.set(intent.id, structuredClone(intent));
      return { claimed: true, record: structuredClone(intent) };
    },
    async takeOver(existing, leaseUntil) {
      check();
      const current = records.get(existing.id);
      if (current === undefined || current.action.status !== 'pending' || current.leaseUntil !== existing.leaseUntil) return { taken: false };
      const record = { ...current, leaseUntil: leaseUntil.toISOString() };
      records.set(existing.id, record);
      return { taken: true, record: structuredClone(record) };
    },
    async complete(record) {
      check();
      records.set(record.id, structuredClone(record));
    },
    async append(record) {
      check();
      records.set(record.id, structuredClone(record));
    },
    async appendOnce(record) {
      check();
      const key = equivalenceKeyOf(record);
      if (once.has(key)) return false;
      once.add(key);
      records.set(record.id, structuredClone(record));
      return true;
    },
    async findByKey(key) {
      check();
      return [...records.values()].filter((r) => r.idempotencyKey === key).map((r) => structuredClone(r));
    },
    async incomplete(target) {
      check();
      return [...records.values()].filter(
        (r) => (target === undefined || r.target.toLowerCase() === target.toLowerCase()) && r.action.status === 'pending' && claims.get(r.idempotencyKey) === r.id,
      );
    },
    async get(id) {
      check();
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    async *query(filter: AuditQuery) {
      check();
      const all = [...records.values()].sort((a, b) => b.time.localeCompare(a.time));
      let count = 0;
      for (const record of all) {
        if (filter.decision !== undefined && record.decision !== filter.decision) continue;
        if (filter.policy !== undefined && record.policy !== filter.policy) continue;
        if (filter.since !== undefined && Date.parse(record.time) < filter.since.getTime()) continue;
        if (filter.limit !== undefined && count >= filter.limit) return;
        count++;
        yield structuredClone(record);
      }
    },
    async close() {},
  };
  function check(): void {
    if (store.unavailable !== undefined) throw store.unavailable;
  }
  return store;
}
