/**
 * Carrying a decision out exactly once: claim it, write it to ARM, complete the same record with
 * the outcome. Only the claimer writes; a duplicate delivery, a second worker or a later sweep
 * finds the key claimed and writes nothing. The guarantee does not rest on etags (most types have
 * none): a write is only repeated once ARM shows it did not land and could no longer land, and a
 * write that landed is confirmed from what ARM shows. If the audit store cannot be written,
 * nothing is written to ARM (the store's error propagates and the invocation fails).
 */
import type { ArmConnection, ConnectionStatus, SetStatusResult } from '../arm/types.js';
import { writeOutcomeOfError } from '../arm/write-outcome.js';
import type { AuditAction, AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import { connectionFacts } from '../policy/connection-facts.js';
import type { Decision } from '../policy/types.js';
import { claimDecision, type NotClaimed } from './claim-decision.js';
import { errorSummary, isPreconditionFailed } from './classify-error.js';
import { inProgress, shows, statusOf, stillAsClaimed } from './decision-record.js';
import { describeDecision } from './describe-decision.js';
import { IncompleteRecordError } from './pipeline-errors.js';
import { elapsedMs, type ConnectionResult, type ReconcileDeps } from './reconcile-deps.js';
import { releaseDecision } from './release-decision.js';

export interface DecisionToCarryOut {
  connection: ArmConnection;
  decision: Decision;
  /** The record as decided; claimed with action 'pending' and a lease. */
  record: AuditRecord;
  wanted: ConnectionStatus;
  /** When deciding started, on `deps.now`'s clock (epoch ms). */
  startedMs: number;
  /** The description written to ARM; default: the policy's (describeDecision). A person's decision carries their reason. */
  description?: string;
}

const UNCLAIMED: Record<NotClaimed, ConnectionResult> = { done: 'owned', inFlight: 'owned', stranded: 'stranded', released: 'released', gaveUp: 'manual' };

function failedAction(error: unknown): AuditAction {
  const action: AuditAction = { status: 'failed', error: errorSummary(error) };
  const details = error as { httpStatus?: unknown; requestId?: unknown };
  if (typeof details.httpStatus === 'number') action.httpStatus = details.httpStatus;
  if (typeof details.requestId === 'string') action.armRequestId = details.requestId;
  return action;
}

/** 'changed' means 412 (the connection moved under us): the caller reads it again and decides again. */
export async function carryOutDecision(input: DecisionToCarryOut, deps: ReconcileDeps, log: Logger): Promise<ConnectionResult | 'changed'> {
  const { connection, decision, wanted, startedMs } = input;
  const claim = await claimDecision(input.record, deps, log);
  if (!claim.claimed) return UNCLAIMED[claim.because];
  const claimed = claim.record;
  const finish = (action: AuditAction, extra: Partial<AuditRecord> = {}): Promise<void> =>
    deps.store.complete({ ...claimed, action, ...extra, durationMs: elapsedMs(deps, startedMs) });
  const release = (action: AuditAction, notBeforeMs?: number): Promise<'released' | 'failed'> =>
    releaseDecision({ claimed, action, durationMs: elapsedMs(deps, startedMs), ...(notBeforeMs === undefined ? {} : { notBeforeMs }) }, deps, log);
  const done: ConnectionResult = wanted === 'Approved' ? 'approved' : 'rejected';

  let result: SetStatusResult;
  try {
    result = await deps.arm.setConnectionStatus({ connection, status: wanted, description: input.description ?? describeDecision(decision) });
  } catch (error) {
    const action = failedAction(error);
    if (isPreconditionFailed(error)) {
      // The etag moved. Either someone else decided, or our own write landed and the client's retry
      // of it (after a lost answer) met the new etag: ARM's current status tells which.
      const current = await deps.arm.getConnection(connection.id);
      if (shows(current, wanted)) {
        await finish({ ...action, status: 'succeeded', error: undefined, note: `412 on a retried write; ARM shows ${wanted}` });
        log.info({ decision: decision.decision }, `connection ${wanted.toLowerCase()} (confirmed after a 412 on a retried write)`);
        return done;
      }
      await finish({ ...action, status: 'superseded' });
      log.info('connection changed before our write (412); reading it again');
      return 'changed';
    }
    const outcome = writeOutcomeOfError(error);
    if (outcome.kind === 'unknown') return settleUnanswered(error, action);
    if (outcome.kind === 'not-landed' && outcome.transient) {
      // ARM answered and refused (429, 5xx, a conflicting operation): nothing landed. Release the
      // claim at once so Event Grid's redelivery can act; not counted as an attempt (Event Grid's
      // backoff paces it).
      await finish({ ...action, status: 'pending' }, { leaseUntil: deps.now().toISOString() });
      throw error;
    }
    // Refused outright (403 while a role propagates, 400, 409…): nothing landed.
    log.error({ err: error, decision: decision.decision }, 'ARM refused the decision');
    return release(action);
  }

  // The write returned; the client says how it ended, from what ARM shows after it.
  const action: AuditAction = { status: 'succeeded', httpStatus: result.httpStatus };
  if (result.armRequestId !== undefined) action.armRequestId = result.armRequestId;
  const now = statusOf(result.connection);
  if (result.outcome.kind === 'succeeded' && shows(result.connection, wanted)) {
    await complete(action);
    log.info({ decision: decision.decision, policy: decision.policy, httpStatus: result.httpStatus }, `connection ${wanted.toLowerCase()}`);
    return done;
  }
  if (result.outcome.kind === 'in-progress' || inProgress(now)) {
    // Azure took the write and is still carrying it out (Approving, Updating, an operation
    // running): not a failure, and it may land yet. The claim keeps its lease so nobody writes
    // again; the delivery fails as transient and the record is finished from what ARM shows later.
    const reason = result.outcome.kind === 'in-progress' ? result.outcome.reason : `ARM shows ${now ?? 'no status'}`;
    await finish({ ...action, status: 'pending', note: `in progress: ${reason}` });
    log.info({ status: now, reason }, 'write accepted and still in progress; revisit');
    return 'stranded';
  }
  if (result.connection !== undefined && connectionFacts(result.connection).isPending) {
    const why = result.outcome.kind === 'not-landed' ? result.outcome.reason : `ARM answered ${result.httpStatus} but the connection is still Pending`;
    return release({ ...action, status: 'failed', error: `the write did not land: ${why}` });
  }
  await complete({ ...action, status: 'failed', error: `ARM reports status ${now ?? 'unknown'} after the write` });
  return 'failed';

  /** The write landed: if completing its record fails it stays pending under its lease, and the next reconcile completes it from ARM, never writing again. */
  async function complete(outcome: AuditAction): Promise<void> {
    try {
      await finish(outcome);
    } catch (error) {
      throw new IncompleteRecordError(`the ARM write succeeded but its audit record could not be completed: ${errorSummary(error)}`, {
        hint: 'the record stays pending under its lease; a redelivery or the next reconcile of this target completes it from what ARM shows, without a second write',
        cause: error,
      });
    }
  }

  /**
   * No answer (reset, timeout): the write may or may not have landed. ARM's current state says:
   * landed → succeeded; unchanged → released, retried no earlier than the claim's lease (the
   * client's worst case), so a write still travelling cannot be doubled; anything else → the
   * claim is kept under its lease and finished from ARM later.
   */
  async function settleUnanswered(error: unknown, action: AuditAction): Promise<ConnectionResult> {
    let current: ArmConnection | undefined;
    try {
      current = await deps.arm.getConnection(connection.id);
    } catch {
      await finish({ ...action, status: 'pending' });
      throw error;
    }
    if (shows(current, wanted)) {
      await complete({ ...action, status: 'succeeded', error: undefined, note: `confirmed by a re-read after: ${action.error ?? 'no answer'}` });
      return done;
    }
    if (stillAsClaimed(claimed, current)) return release(action, claimed.leaseUntil === undefined ? undefined : Date.parse(claimed.leaseUntil));
    await finish({ ...action, status: 'pending' });
    throw error;
  }
}

