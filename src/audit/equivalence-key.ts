/**
 * Records that write nothing to ARM (manual, dry run, audit mode, drift) claim no key, so a dry
 * run followed by a real run still acts. To keep duplicates, racing workers and periodic sweeps
 * from piling up identical records, a store writes at most one record per equivalence key: the
 * same connection state (idempotency key), decision, enforcement, policy revision and kind.
 */
import type { AuditRecord } from './types.js';

export function equivalenceKeyOf(record: AuditRecord): string {
  return [record.idempotencyKey, record.decision, record.enforced ? 'enforced' : 'recorded', record.policyRevision, record.kind ?? 'decision'].join('|');
}
