/**
 * Deciding one Pending connection: build its case, evaluate the policies, and either record the
 * decision (manual, audit mode, dry run) or carry it out exactly once.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditTrigger } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { evaluate } from '../policy/evaluate.js';
import { appendOnce } from './append-once.js';
import { buildCase } from './build-case.js';
import { carryOutDecision } from './carry-out-decision.js';
import { retireClaims } from './claim-decision.js';
import { decisionRecord, wantedStatus } from './decision-record.js';
import type { ConnectionResult, ReconcileDeps } from './reconcile-deps.js';

/** 'changed' = 412: the caller reads the connection again and decides again. */
export async function decideConnection(
  target: ArmId,
  connection: ArmConnection,
  siblings: ArmConnection[],
  trigger: AuditTrigger,
  deps: ReconcileDeps,
  targetLog: Logger,
): Promise<ConnectionResult | 'changed'> {
  const startedMs = deps.now().getTime();
  const log = targetLog.child({ connection: connection.id });
  const { evaluationCase, endpoint, consumer } = await buildCase(target, connection, siblings, deps);
  const decision = evaluate(deps.policies, evaluationCase);
  if (decision.decision === 'ignore' && decision.shadow.length === 0) {
    log.debug({ reasons: decision.reasons }, 'not governed');
    return 'ignored';
  }
  const wanted = wantedStatus(decision.decision);
  const enforced = decision.policy !== null && !deps.dryRun;
  const record = decisionRecord({ target, connection, decision, endpoint, consumer, evaluationCase, trigger, enforced, startedMs }, deps);

  if (wanted === undefined || deps.dryRun) {
    const previous = await appendOnce(record, deps);
    if (!deps.dryRun) await retireClaims(previous, `today's policies decide ${decision.decision}: nothing to write`, deps, log);
    log.info({ decision: decision.decision, policy: decision.policy, dryRun: deps.dryRun, reasons: decision.reasons }, 'decided; nothing to write');
    if (wanted !== undefined) return wanted === 'Approved' ? 'wouldApprove' : 'wouldReject';
    return decision.decision === 'manual' ? 'manual' : 'auditOnly';
  }
  return carryOutDecision({ connection, decision, record, wanted, startedMs }, deps, log);
}
