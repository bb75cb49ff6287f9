/**
 * A person's decision on one connection (`linkgate approve|reject`), carried out through the same
 * exactly-once path as the daemon's: claim the connection's current state, write it to ARM,
 * complete the record. Recorded with `trigger: {type: 'human', principal, reason}` and, beside
 * it, what the policies say today. Refused (ReviewRefusedError, exit 1) when the connection is not
 * Pending, when its target is not governed, and when approving what a policy rejects explicitly
 * (deny, visibility) without `override`, which the record then carries.
 */
import type { ConnectionStatus } from '../arm/types.js';
import type { AuditRecord } from '../audit/types.js';
import { targetOfConnectionId } from '../ids/arm-id.js';
import { buildCase } from '../pipeline/build-case.js';
import { carryOutDecision } from '../pipeline/carry-out-decision.js';
import { decisionRecord, statusOf } from '../pipeline/decision-record.js';
import type { ConnectionResult, ReconcileDeps } from '../pipeline/reconcile-deps.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { evaluateWithDetail } from '../policy/evaluate.js';
import type { Decision } from '../policy/types.js';
import { REVOKING_RANK } from '../sweep/check-drift.js';
import { describeHumanDecision } from './describe-human-decision.js';
import { ReviewRefusedError } from './review-errors.js';

export interface HumanDecision {
  connectionId: string;
  verdict: 'approve' | 'reject';
  reason: string;
  principal: string;
  /** Approve even though a policy rejects explicitly; recorded. */
  override: boolean;
  /** Check and show, write nothing to ARM or the store. */
  dryRun: boolean;
}

export interface HumanOutcome {
  /** 'dryRun' when nothing was written. */
  result: ConnectionResult | 'changed' | 'dryRun';
  /** The record as stored once carried out (completed: action status, httpStatus, armRequestId); as it would be written on a dry run. */
  record: AuditRecord;
  /** What the policies say today. */
  policies: Decision;
  description: string;
}

export async function decideByHand(input: HumanDecision, deps: ReconcileDeps): Promise<HumanOutcome> {
  const startedMs = deps.now().getTime();
  const parsedTarget = targetOfConnectionId(input.connectionId);
  if (!parsedTarget.ok) throw new ReviewRefusedError('NotAConnectionId', `${input.connectionId} is not a private endpoint connection ID: ${parsedTarget.error}`, 'copy the connectionId from `linkgate pending --json`');
  const target = parsedTarget.id;
  if (!deps.policies.governs(target.key)) {
    throw new ReviewRefusedError('TargetNotGoverned', `no policy governs ${target.text}`, 'linkgate decides only on targets its policies govern; add the target to a policy, or decide with az/the portal');
  }
  const connection = await deps.arm.getConnection(input.connectionId);
  if (connection === undefined) throw new ReviewRefusedError('ConnectionNotFound', `no connection ${input.connectionId} on ARM`, 'it may have been deleted; `linkgate pending` lists what waits');
  const facts = connectionFacts(connection);
  if (!facts.isPending) {
    throw new ReviewRefusedError('ConnectionNotPending', `the connection is not Pending: its status is ${facts.status ?? 'unknown'}`, 'someone has already decided it; `linkgate audit list --target <target>` shows who');
  }

  // What the policies say today, on the same case the daemon would build (siblings for connectionLimit).
  const siblings = await deps.arm.listConnections(target.text);
  const { evaluationCase, endpoint } = await buildCase(target, connection, siblings, deps);
  const { decision: policies, verdicts } = evaluateWithDetail(deps.policies, evaluationCase);
  const explicitReject = policies.decision === 'reject' && verdicts.some((v) => v.mode === 'enforce' && v.rank === REVOKING_RANK);
  if (input.verdict === 'approve' && explicitReject && !input.override) {
    throw new ReviewRefusedError(
      'ExplicitPolicyReject',
      `policy ${policies.policy ?? '(none)'} rejects this connection explicitly: ${policies.reasons[0] ?? ''}`,
      'a deny or visibility rule matches; fix the policy, or pass --override (recorded in the audit trail)',
    );
  }

  const override = input.override && input.verdict === 'approve' && explicitReject;
  const verb = input.verdict === 'approve' ? 'approved' : 'rejected';
  const decision: Decision = {
    ...policies,
    decision: input.verdict,
    policy: policies.policy,
    reasons: [
      `${verb} by ${input.principal}: ${input.reason}`,
      ...(override ? [`override: approved against policy ${policies.policy ?? '(none)'}'s explicit reject`] : []),
      `the policies say ${policies.decision}${policies.policy === null ? '' : ` (${policies.policy})`}${policies.reasons.length === 0 ? '' : `: ${policies.reasons.join('; ')}`}`,
    ],
    shadow: policies.shadow,
  };
  const trigger = { type: 'human' as const, principal: input.principal, reason: input.reason, ...(override ? { override: true } : {}) };
  const record = decisionRecord({ target, connection, decision, endpoint, evaluationCase, trigger, enforced: !input.dryRun, startedMs }, deps);
  const description = describeHumanDecision(input.verdict, input.principal, input.reason);
  if (input.dryRun) return { result: 'dryRun', record, policies, description };

  const wanted: ConnectionStatus = input.verdict === 'approve' ? 'Approved' : 'Rejected';
  const log = deps.logger.child({ connection: connection.id, principal: input.principal });
  const result = await carryOutDecision({ connection, decision, record, wanted, startedMs, description }, deps, log);
  if (result === 'owned') {
    throw new ReviewRefusedError('DecisionOwned', 'another decision on this connection is in progress or already done', 'run `linkgate pending` again in a moment');
  }
  if (result === 'changed') {
    const now = await deps.arm.getConnection(connection.id);
    throw new ReviewRefusedError('ConnectionChanged', `the connection changed while deciding (its status is now ${statusOf(now) ?? 'unknown'})`, 'nothing was written; check `linkgate pending` and decide again');
  }
  return { result, record: await storedRecord(record, deps), policies, description };
}

/** The record as the store now holds it: the claim may have taken over an earlier one (another id) and was completed with the outcome. */
async function storedRecord(record: AuditRecord, deps: ReconcileDeps): Promise<AuditRecord> {
  const stored = await deps.store.findByKey(record.idempotencyKey);
  const claimed = stored.filter((r) => r.action.status !== 'skipped');
  return stored.find((r) => r.id === record.id) ?? claimed.at(-1) ?? record;
}
