/**
 * Claiming a decision before its ARM write: the first half of the exactly-once protocol. The
 * intent record is inserted under the decision's idempotency key; of any number of deliveries,
 * workers and sweeps, exactly one gets it. A claim whose lease expired (its writer died) is taken
 * over atomically and finished under its original record with today's policies.
 */
import type { AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import type { ReconcileDeps } from './reconcile-deps.js';

export type Claim = { claimed: true; record: AuditRecord } | { claimed: false };

export function leaseExpired(record: AuditRecord, deps: Pick<ReconcileDeps, 'now'>): boolean {
  return record.leaseUntil === undefined || Date.parse(record.leaseUntil) <= deps.now().getTime();
}

export async function claimDecision(record: AuditRecord, deps: ReconcileDeps, log: Logger): Promise<Claim> {
  const leaseUntil = new Date(deps.now().getTime() + deps.leaseMs);
  const claim = await deps.store.claim({ ...record, action: { status: 'pending' }, leaseUntil: leaseUntil.toISOString() });
  if (claim.claimed) return { claimed: true, record: claim.record };
  const existing = claim.existing;
  if (existing.action.status !== 'pending' || !leaseExpired(existing, deps)) {
    log.debug({ recordId: existing.id, status: existing.action.status }, 'decision owned by another delivery or worker');
    return { claimed: false };
  }
  const taken = await deps.store.takeOver(existing, leaseUntil);
  if (!taken.taken) return { claimed: false };
  // Finish the interrupted decision under its original record, with today's policies.
  return {
    claimed: true,
    record: {
      ...taken.record,
      decision: record.decision,
      policy: record.policy,
      reasons: [...record.reasons, 'finished after an interrupted attempt (lease expired)'],
      shadow: record.shadow,
      policyRevision: record.policyRevision,
    },
  };
}
