/**
 * Records that write nothing claim nothing; to keep duplicates, racing workers and periodic sweeps
 * from piling up identical records, the store writes one per equivalence key (connection state,
 * decision, enforcement, policy revision, kind), atomically.
 */
import { equivalenceKeyOf } from '../audit/equivalence-key.js';
import type { AuditRecord, AuditStore } from '../audit/types.js';

export async function appendOnce(record: AuditRecord, deps: { store: AuditStore }): Promise<void> {
  // A read first: the common case (every sweep meets the same manual connections again) then
  // costs one query and no write; appendOnce settles the rare race atomically.
  const key = equivalenceKeyOf(record);
  const previous = await deps.store.findByKey(record.idempotencyKey);
  if (previous.some((p) => p.action.status === 'skipped' && p.leaseUntil === undefined && equivalenceKeyOf(p) === key)) return;
  await deps.store.appendOnce(record);
}
