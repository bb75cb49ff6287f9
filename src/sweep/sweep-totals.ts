/** The sweep's totals, and the one place a target's outcome is added to them. */
import type { TargetOutcome } from '../pipeline/reconcile-deps.js';

export interface SweepTotals {
  targets: number;
  connections: number;
  pending: number;
  approved: number;
  rejected: number;
  manual: number;
  /** Pending connections only audit-mode policies govern (shadow results recorded, nothing written). */
  auditOnly: number;
  /** Pending connections on a swept target that no policy governs. */
  ungoverned: number;
  /** Dry run: what would have been approved and rejected (recorded with enforced=false, not written). */
  wouldApprove: number;
  wouldReject: number;
  /** Owned by another worker, already decided, or claimed and unfinished under its lease. */
  owned: number;
  drift: number;
  /** Decisions that could not be carried out this pass, released ones included (also counted in errors). */
  failed: number;
  /** Decisions open after the sweep: released for a retry after a write that did not land (counted in errors). */
  released: number;
  /** Decisions open after the sweep: claimed and unfinished (counted in errors). */
  stranded: number;
  errors: number;
}

export function emptyTotals(): SweepTotals {
  return { targets: 0, connections: 0, pending: 0, approved: 0, rejected: 0, wouldApprove: 0, wouldReject: 0, manual: 0, auditOnly: 0, ungoverned: 0, owned: 0, drift: 0, failed: 0, released: 0, stranded: 0, errors: 0 };
}

/**
 * Adds one reconciled target: its counts, and its errors and failed decisions as errors. Each
 * Pending connection lands in exactly one column: a write released for a retry this pass is a
 * failure (counted as an error once, by the open-decision count after the sweep), and a claim
 * another writer holds unfinished is owned.
 */
export function addTargetOutcome(totals: SweepTotals, outcome: TargetOutcome): void {
  const { results } = outcome;
  totals.connections += outcome.connections;
  totals.pending += outcome.pending;
  totals.approved += results.approved;
  totals.rejected += results.rejected;
  totals.manual += results.manual;
  totals.auditOnly += results.auditOnly;
  totals.ungoverned += results.ignored;
  totals.failed += results.failed + results.released;
  totals.wouldApprove += results.wouldApprove;
  totals.wouldReject += results.wouldReject;
  totals.owned += results.owned + results.stranded;
  totals.errors += outcome.errors.length + results.failed;
}
