/** Classifying what a write came to: from the states ARM reports, and from the errors the client throws. */
import { ArmError } from './arm-error.js';
import type { WriteOutcome } from './types.js';

/** Operation or provisioning states after which nothing more happens. `Ready` is SQL's done (DESIGN §9). */
const DONE = new Set(['succeeded', 'ready']);
const FAILED = new Set(['failed', 'canceled', 'cancelled']);
/** Connection statuses that say a decision is still being carried out (DESIGN §9). */
const TRANSITIONAL_STATUSES = new Set(['approving', 'rejecting', 'disconnecting']);

export type OperationState = 'done' | 'failed' | 'running';

/** An operation's or a resource's state word; anything not known to be final is still running. */
export function classifyState(state: string | undefined): OperationState {
  if (state === undefined) return 'running';
  const lower = state.toLowerCase();
  if (DONE.has(lower)) return 'done';
  if (FAILED.has(lower)) return 'failed';
  return 'running';
}

/** Whether a connection status means "still being approved/rejected" for this type. */
export function isTransitionalStatus(status: string | undefined, typeTransitional: readonly string[] = []): boolean {
  if (status === undefined) return false;
  const lower = status.toLowerCase();
  return TRANSITIONAL_STATUSES.has(lower) || typeTransitional.some((s) => s.toLowerCase() === lower);
}

/**
 * What a thrown write error means for the decision. An ArmError with an HTTP status is a refusal
 * (`not-landed`); without one (reset, timeout) or with 408 the write may have landed (`unknown`).
 * Anything else (a bug, a refused type) did not reach ARM: `not-landed`, not transient.
 */
export function writeOutcomeOfError(error: unknown): WriteOutcome {
  if (error instanceof ArmError) {
    const reason = error.message;
    if (error.httpStatus === undefined || error.httpStatus === 408) return { kind: 'unknown', reason };
    return {
      kind: 'not-landed',
      reason,
      transient: error.transient,
      httpStatus: error.httpStatus,
      ...(error.code === undefined ? {} : { code: error.code }),
    };
  }
  return { kind: 'not-landed', reason: error instanceof Error ? error.message : String(error), transient: false };
}

