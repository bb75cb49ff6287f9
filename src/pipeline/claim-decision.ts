/**
 * Claiming a decision before its ARM write: the first half of the exactly-once protocol. The
 * intent record is inserted under the decision's idempotency key; of any number of deliveries,
 * workers and sweeps, exactly one gets it. A claim whose lease expired (its writer died, or its
 * write did not land and the claim was released for a retry) is taken over atomically and carried
 * on under the same record with today's policies: one record per decision, however many attempts.
 */
import type { AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import type { ReconcileDeps } from './reconcile-deps.js';

/**
 * Why a claim was not ours: finished; being carried out by a live writer right now; claimed and
 * left unfinished (stranded) under its lease; released and waiting for its retry time; given up.
 */
export type NotClaimed = 'done' | 'inFlight' | 'stranded' | 'released' | 'gaveUp';

export type Claim = { claimed: true; record: AuditRecord } | { claimed: false; because: NotClaimed; existing: AuditRecord };

export function leaseExpired(record: AuditRecord, deps: Pick<ReconcileDeps, 'now'>): boolean {
  return record.leaseUntil === undefined || Date.parse(record.leaseUntil) <= deps.now().getTime();
}

/**
 * A fresh claim (no failed attempt on it) younger than a quarter of the lease: its writer is most
 * likely at work right now, and its own delivery answers for it, so a concurrent delivery need not
 * fail. An older one has most likely lost its writer (a store outage after the claim, a crash):
 * then every delivery that meets it fails until a reconcile after the lease carries it out.
 */
function inFlightElsewhere(existing: AuditRecord, deps: Pick<ReconcileDeps, 'now' | 'leaseMs'>): boolean {
  return existing.action.error === undefined && deps.now().getTime() - Date.parse(existing.time) < deps.leaseMs / 4;
}

export async function claimDecision(record: AuditRecord, deps: ReconcileDeps, log: Logger): Promise<Claim> {
  const leaseUntil = new Date(deps.now().getTime() + deps.leaseMs);
  const claim = await deps.store.claim({ ...record, action: { status: 'pending' }, leaseUntil: leaseUntil.toISOString() });
  if (claim.claimed) return { claimed: true, record: claim.record };
  const existing = claim.existing;
  const because: NotClaimed | undefined =
    existing.action.status === 'failed'
      ? 'gaveUp'
      : existing.action.status !== 'pending'
        ? 'done'
        : !leaseExpired(existing, deps)
          ? existing.action.released === true
            ? 'released'
            : inFlightElsewhere(existing, deps)
              ? 'inFlight'
              : 'stranded'
          : undefined;
  if (because === undefined) {
    const taken = await deps.store.takeOver(existing, leaseUntil);
    if (taken.taken) {
      const again = existing.action.released === true ? `attempt ${(existing.failedWrites ?? 0) + 1} after a write that did not land` : 'finished after an interrupted attempt (lease expired)';
      return {
        claimed: true,
        record: { ...taken.record, decision: record.decision, policy: record.policy, reasons: [...record.reasons, again], shadow: record.shadow, policyRevision: record.policyRevision },
      };
    }
  }
  log.debug({ recordId: existing.id, status: existing.action.status, because: because ?? 'inFlight' }, 'decision claimed by another delivery or worker');
  // A takeover lost to another worker: that worker is carrying it out now.
  return { claimed: false, because: because ?? 'inFlight', existing };
}

/**
 * Today's policies no longer write for this connection state (manual, or the decision changed to
 * one that writes nothing): claims left on it after their lease are closed as superseded, so they
 * do not stay open for ever. Live ones are left to their writer.
 */
export async function retireClaims(previous: AuditRecord[], why: string, deps: ReconcileDeps, log: Logger): Promise<void> {
  for (const record of previous) {
    if (record.action.status !== 'pending' || !leaseExpired(record, deps)) continue;
    const taken = await deps.store.takeOver(record, new Date(deps.now().getTime() + deps.leaseMs));
    if (!taken.taken) continue;
    await deps.store.complete({ ...taken.record, action: { status: 'superseded', note: why } });
    log.info({ recordId: record.id }, 'closed a claim today’s policies no longer carry out');
  }
}
