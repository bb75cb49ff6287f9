/**
 * Records that write nothing claim nothing; to keep duplicates, racing workers and periodic sweeps
 * from piling up identical records, the store writes one per equivalence key (connection state,
 * decision, enforcement, policy revision, kind), atomically.
 */
import { equivalenceKeyOf } from '../audit/equivalence-key.js';
import type { AuditRecord, AuditStore } from '../audit/types.js';

/** Returns the records already stored under the record's idempotency key (read anyway). */
export async function appendOnce(record: AuditRecord, deps: { store: AuditStore }): Promise<AuditRecord[]> {
  // A read first: the common case (every sweep meets the same manual connections again) then
  // costs one query and no write; appendOnce settles the rare race atomically.
  const key = equivalenceKeyOf(record);
  const previous = await deps.store.findByKey(record.idempotencyKey);
  if (!previous.some((p) => p.action.status === 'skipped' && p.leaseUntil === undefined && equivalenceKeyOf(p) === key)) await deps.store.appendOnce(record);
  return previous;
}
