/**
 * Records written before linkgate followed DESIGN §6 to the letter spelled the trigger's
 * discriminator `kind` (`{type: "event", …}`); the contract is `type`. Stores read both, so an
 * audit trail that spans the change reads as one, and only ever write `type`.
 */
import { isRecord } from '../util/is-record.js';
import type { AuditRecord } from './types.js';

/** The record with a `kind`-spelled trigger rewritten to `type`; the same object when nothing needs it. */
export function withCurrentTrigger(record: AuditRecord): AuditRecord {
  const trigger: unknown = record.trigger;
  if (!isRecord(trigger) || trigger['type'] !== undefined || typeof trigger['kind'] !== 'string') return record;
  const { kind, ...rest } = trigger;
  return { ...record, trigger: { type: kind, ...rest } as AuditRecord['trigger'] };
}
