/**
 * reconcile(target): the level-triggered heart of linkgate (DESIGN §1). Finishes claims an
 * interrupted attempt left behind, reads the target's connections from ARM and decides every
 * Pending one (decide-connection.ts), carrying each decision out exactly once
 * (carry-out-decision.ts): claim → approve/reject in ARM → complete the same record.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditTrigger } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { errorSummary, isTransientError } from './classify-error.js';
import { decideConnection } from './decide-connection.js';
import { withStatus } from './decision-record.js';
import { finishInterruptedClaims, writesAwaitingRecord } from './finish-interrupted-claims.js';
import { emptyOutcome, type ReconcileDeps, type TargetOutcome } from './reconcile-deps.js';

export type { ConnectionResult, ReconcileDeps, TargetOutcome } from './reconcile-deps.js';

/** Decisions of one connection per pass: each 412 (it changed under us) costs a re-read and a new decision. */
const MAX_DECIDE_ATTEMPTS = 3;

export async function reconcileTarget(target: ArmId, trigger: AuditTrigger, deps: ReconcileDeps): Promise<TargetOutcome> {
  const outcome = emptyOutcome(target);
  const log = deps.logger.child({ target: target.text });
  try {
    const interrupted = await finishInterruptedClaims(target, deps, log);
    outcome.recovered = interrupted.finished;
    const connections = await deps.arm.listConnections(target.text);
    const landed = writesAwaitingRecord(interrupted.leased, connections, deps);
    if (landed > 0) {
      // Written to ARM, record not complete, under a live lease: this delivery must not be the last
      // word on the target (nothing else would revisit a target with nothing Pending), so it fails
      // transiently and Event Grid redelivers until a reconcile after the lease finishes it.
      outcome.transient = true;
      outcome.errors.push(`${landed} decision(s) on this target were written to ARM but their audit record is not complete yet; retry after the lease`);
    }
    outcome.connections = connections.length;
    outcome.seen = connections;
    // The target's connections as decided so far in this pass: connectionLimit must count the
    // approvals this pass has already made, not only those ARM showed when the list was read.
    const current: ArmConnection[] = [...connections];
    for (const [index, listed] of connections.entries()) {
      if (!connectionFacts(listed).isPending) continue;
      outcome.pending++;
      let connection: ArmConnection | undefined = listed;
      for (let attempt = 1; connection !== undefined && attempt <= MAX_DECIDE_ATTEMPTS; attempt++) {
        const step = await decideConnection(target, connection, current, trigger, deps, log);
        if (step !== 'changed') {
          outcome.results[step]++;
          if (step === 'approved' || step === 'rejected') current[index] = withStatus(connection, step === 'approved' ? 'Approved' : 'Rejected');
          break;
        }
        connection = await deps.arm.getConnection(listed.id);
        if (connection === undefined || !connectionFacts(connection).isPending) break;
        current[index] = connection;
        if (attempt === MAX_DECIDE_ATTEMPTS) outcome.results.failed++;
      }
    }
    // A decision not carried out yet (released for a retry, or claimed and unfinished) must not be
    // answered 200: the delivery fails, and Event Grid redelivers until a reconcile completes it.
    if (outcome.results.released + outcome.results.stranded > 0) outcome.transient = true;
  } catch (error) {
    outcome.errors.push(errorSummary(error));
    outcome.transient ||= isTransientError(error);
    log.error({ err: error, transient: outcome.transient }, 'reconcile failed for target');
  }
  return outcome;
}
