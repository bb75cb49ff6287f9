/**
 * Carrying a decision out exactly once: claim it, write it to ARM, complete the same record with
 * the outcome. Only the claimer writes; a duplicate delivery, a second worker or a later sweep
 * finds the key claimed and writes nothing. If the audit store cannot be written, nothing is
 * written to ARM (the store's error propagates and the invocation fails).
 */
import type { ConnectionStatus, SetStatusResult } from '../arm/types.js';
import { WriteInProgressError } from '../arm/write-outcome.js';
import type { AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import type { Decision } from '../policy/types.js';
import { claimDecision } from './claim-decision.js';
import { errorSummary, isPreconditionFailed, isTransientError } from './classify-error.js';
import { shows, statusOf } from './decision-record.js';
import { describeDecision } from './describe-decision.js';
import { IncompleteRecordError } from './pipeline-errors.js';
import { elapsedMs, type ConnectionResult, type ReconcileDeps } from './reconcile-deps.js';

export interface DecisionToCarryOut {
  connection: Parameters<ReconcileDeps['arm']['setConnectionStatus']>[0]['connection'];
  decision: Decision;
  /** The record as decided; claimed with action 'pending' and a lease. */
  record: AuditRecord;
  wanted: ConnectionStatus;
  /** When deciding started, on `deps.now`'s clock (epoch ms). */
  startedMs: number;
  /** The description written to ARM; default: the policy's (describeDecision). A person's decision carries their reason. */
  description?: string;
}

/** 'changed' means 412 (the connection moved under us): the caller reads it again and decides again. */
export async function carryOutDecision(input: DecisionToCarryOut, deps: ReconcileDeps, log: Logger): Promise<ConnectionResult | 'changed'> {
  const { connection, decision, wanted, startedMs } = input;
  const claim = await claimDecision(input.record, deps, log);
  if (!claim.claimed) return 'owned';
  const claimed = claim.record;
  const finish = (action: AuditRecord['action'], extra: Partial<AuditRecord> = {}): Promise<void> =>
    deps.store.complete({ ...claimed, action, ...extra, durationMs: elapsedMs(deps, startedMs) });
  const done: ConnectionResult = wanted === 'Approved' ? 'approved' : 'rejected';

  let result: SetStatusResult;
  try {
    result = await deps.arm.setConnectionStatus({ connection, status: wanted, description: input.description ?? describeDecision(decision) });
  } catch (error) {
    const details = error as { httpStatus?: number; requestId?: string };
    const action: AuditRecord['action'] = { status: 'failed', error: errorSummary(error) };
    if (typeof details.httpStatus === 'number') action.httpStatus = details.httpStatus;
    if (typeof details.requestId === 'string') action.armRequestId = details.requestId;
    if (isPreconditionFailed(error)) {
      // The etag moved. Either someone else decided, or our own write landed and the client's retry
      // of it (after a lost answer) met the new etag: ARM's current status tells which.
      const current = await deps.arm.getConnection(connection.id);
      if (shows(current, wanted)) {
        await finish({ ...action, status: 'succeeded', error: `412 on a retried write; ARM shows ${wanted}` });
        log.info({ decision: decision.decision }, `connection ${wanted.toLowerCase()} (confirmed after a 412 on a retried write)`);
        return done;
      }
      await finish({ ...action, status: 'superseded' });
      log.info('connection changed before our write (412); reading it again');
      return 'changed';
    }
    if (isTransientError(error)) {
      // ARM answered and refused (429, 5xx): release the claim at once so Event Grid's redelivery
      // can act. Without an answer (reset, timeout) or with an operation still running, the write
      // may land yet: keep the lease, so nobody writes again before it could have finished.
      const refused = typeof details.httpStatus === 'number' && details.httpStatus !== 408;
      const leaseUntil = refused ? deps.now().toISOString() : claimed.leaseUntil;
      await finish({ ...action, status: 'pending' }, leaseUntil === undefined ? {} : { leaseUntil });
      throw error;
    }
    await finish(action);
    log.error({ err: error, decision: decision.decision }, 'ARM refused the decision');
    return 'failed';
  }

  if (result.outcome.kind === 'in-progress') {
    // Azure took the write and is still carrying it out (Approving, Updating, an operation
    // running): not a failure. The claim keeps its lease, so nobody writes again; the invocation
    // fails as transient and the record is finished from what ARM shows once the lease ends.
    const pending: AuditRecord['action'] = { status: 'pending', httpStatus: result.httpStatus, error: `in progress: ${result.outcome.reason}` };
    if (result.armRequestId !== undefined) pending.armRequestId = result.armRequestId;
    await finish(pending, claimed.leaseUntil === undefined ? {} : { leaseUntil: claimed.leaseUntil });
    throw new WriteInProgressError(connection.id, result.outcome.reason);
  }

  // The write is done. If completing the record fails now, it stays 'pending' with its lease and the
  // next reconcile of this target finishes it from what ARM shows: never a second write.
  const confirmed = shows(result.connection, wanted);
  const action: AuditRecord['action'] = { status: confirmed ? 'succeeded' : 'failed', httpStatus: result.httpStatus };
  if (result.armRequestId !== undefined) action.armRequestId = result.armRequestId;
  if (!confirmed) action.error = `ARM reports status ${statusOf(result.connection) ?? 'unknown'} after the write`;
  try {
    await finish(action);
  } catch (error) {
    throw new IncompleteRecordError(`the ARM write succeeded but its audit record could not be completed: ${errorSummary(error)}`, {
      hint: 'the record stays pending under its lease; a redelivery or the next reconcile of this target completes it from what ARM shows, without a second write',
      cause: error,
    });
  }
  log.info({ decision: decision.decision, policy: decision.policy, httpStatus: result.httpStatus, confirmed }, `connection ${wanted.toLowerCase()}`);
  return confirmed ? done : 'failed';
}
