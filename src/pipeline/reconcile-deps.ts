/**
 * What reconciling a target needs and what it reports: the shared vocabulary of the pipeline's
 * files (reading the case, the decision record, the exactly-once protocol) and of the sweep.
 */
import type { ArmClient, ArmConnection } from '../arm/types.js';
import type { AuditStore } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import type { InvocationCaches } from './invocation-caches.js';

export interface ReconcileDeps {
  arm: ArmClient;
  store: AuditStore;
  policies: CompiledPolicySet;
  logger: Logger;
  caches: InvocationCaches;
  /** Decide and record, never write to ARM. */
  dryRun: boolean;
  leaseMs: number;
  now: () => Date;
  newId: () => string;
  /** Retries of a write that did not land; default DEFAULT_DECISION_RETRY (release-decision.ts). */
  retry?: DecisionRetryPolicy;
}

export interface DecisionRetryPolicy {
  /** Writes per decision, the first included; then the decision is given up for manual review. */
  maxAttempts: number;
  /** Wait before the first retry; doubled after each further failed write. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export type ConnectionResult =
  | 'approved'
  | 'rejected'
  | 'manual'
  /** Not governed by any enforce or audit policy: nothing decided, nothing recorded. */
  | 'ignored'
  /** Governed by audit-mode policies only: their shadow results recorded, nothing to write. */
  | 'auditOnly'
  /** Decided approve or reject and recorded, but not written: a dry run. */
  | 'wouldApprove'
  | 'wouldReject'
  /** Another delivery, worker or earlier run already finished this decision. */
  | 'owned'
  /** The write did not land; the claim is released and retried after a backoff (or is waiting for it). */
  | 'released'
  /** Claimed and not finished: another writer holds it, or the write is still in progress at ARM. */
  | 'stranded'
  | 'failed';

export type ResultCounts = Record<ConnectionResult, number>;

export interface TargetOutcome {
  target: string;
  connections: number;
  pending: number;
  results: ResultCounts;
  /** Records finished for claims an earlier, interrupted attempt left pending. */
  recovered: number;
  errors: string[];
  /** A failure worth retrying (throttling, 5xx, store down): the invocation should fail so Event Grid redelivers. */
  transient: boolean;
  /** The connections as listed from ARM (for the sweep's drift report). */
  seen: ArmConnection[];
}

export function emptyResults(): ResultCounts {
  return { approved: 0, rejected: 0, manual: 0, ignored: 0, auditOnly: 0, wouldApprove: 0, wouldReject: 0, owned: 0, released: 0, stranded: 0, failed: 0 };
}

export function emptyOutcome(target: ArmId): TargetOutcome {
  return { target: target.text, connections: 0, pending: 0, results: emptyResults(), recovered: 0, errors: [], transient: false, seen: [] };
}

/** Milliseconds since `startedMs` on the injected clock (never the wall clock beside it). */
export function elapsedMs(deps: Pick<ReconcileDeps, 'now'>, startedMs: number): number {
  return Math.max(0, deps.now().getTime() - startedMs);
}
