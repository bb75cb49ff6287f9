/**
 * A write that did not land (refused with a 4xx other than 412, a 200 after which ARM still shows
 * the connection Pending, a timeout whose re-read shows no change) never owns its decision: the
 * claim is released in the same record so a later reconcile retries it, with backoff, and after a
 * bounded number of attempts the decision is given up and the connection left for manual review
 * with the reason on record (completed as 'failed', which the notifier turns into a
 * Linkgate.DecisionFailed event).
 */
import type { AuditAction, AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import type { DecisionRetryPolicy, ReconcileDeps } from './reconcile-deps.js';

/**
 * Six attempts, a minute apart and doubling (1, 2, 4, 8, 16 min): about half an hour, as long as an
 * Azure role assignment may take to propagate, which is the common cause of a 403 that later passes.
 */
export const DEFAULT_DECISION_RETRY: DecisionRetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

export function retryDelayMs(failedWrites: number, policy: DecisionRetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedWrites - 1));
}

export interface Release {
  claimed: AuditRecord;
  /** What the failed attempt said (status, HTTP status, request id, error). */
  action: AuditAction;
  durationMs: number;
  /** No retry before this (epoch ms): a write that may still be in flight at ARM must not be repeated before it could have finished. */
  notBeforeMs?: number;
}

/** Releases the claim for a retry, or gives the decision up once the attempts are spent. */
export async function releaseDecision(release: Release, deps: ReconcileDeps, log: Logger): Promise<'released' | 'failed'> {
  const policy = deps.retry ?? DEFAULT_DECISION_RETRY;
  const failedWrites = (release.claimed.failedWrites ?? 0) + 1;
  const base = { ...release.claimed, failedWrites, durationMs: release.durationMs };
  if (failedWrites >= policy.maxAttempts) {
    const record: AuditRecord = {
      ...base,
      action: { ...release.action, status: 'failed', error: `${release.action.error ?? 'the write did not land'}; gave up after ${failedWrites} attempts: left Pending for manual review` },
    };
    await deps.store.complete(record);
    log.error({ recordId: record.id, failedWrites, error: release.action.error }, 'decision given up after repeated failed writes; left for manual review');
    return 'failed';
  }
  const retryAt = Math.max(deps.now().getTime() + retryDelayMs(failedWrites, policy), release.notBeforeMs ?? 0);
  await deps.store.complete({ ...base, action: { ...release.action, status: 'pending', released: true }, leaseUntil: new Date(retryAt).toISOString() });
  log.warn({ recordId: base.id, failedWrites, retryAt: new Date(retryAt).toISOString(), error: release.action.error }, 'the write did not land; decision released for a retry');
  return 'released';
}
