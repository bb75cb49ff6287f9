/**
 * Drift: a decided connection that today's policies would decide the other way (an Approved one
 * they would reject, a Rejected one they would approve), as GCP Private Service Connect's
 * reconcileConnections does. Reported by default; acted on only when asked, and a live connection
 * is only revoked on an explicit rule.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { appendOnce } from '../pipeline/append-once.js';
import { buildCase } from '../pipeline/build-case.js';
import { carryOutDecision } from '../pipeline/carry-out-decision.js';
import { decisionRecord, idempotencyKeyOf, wantedStatus } from '../pipeline/decision-record.js';
import type { ReconcileDeps } from '../pipeline/reconcile-deps.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { evaluateWithDetail, type PolicyVerdict } from '../policy/evaluate.js';
import { humanDecisionNote, type StandingHumanDecision } from '../review/standing-human-decisions.js';

export interface DriftItem {
  target: string;
  connectionId: string;
  status: string;
  /** What today's policies say. */
  decision: 'approve' | 'reject';
  policy: string | null;
  reasons: string[];
  /** What was done about it. */
  action: 'reported' | 'revoked' | 'approved' | 'owned' | 'failed';
  /** The person whose decision (`linkgate approve|reject`) holds the connection's status: reported, never acted on. */
  humanDecision?: { principal: string; reason: string; override: boolean; recordId: string };
}

/**
 * The only verdict that may take a live connection down: an explicit reject (a deny or visibility
 * rule). A reject resting on `otherwise` may just mean a condition could not be checked today
 * (endpoint unreadable, tenant lookup failed): never revoke on missing data.
 */
export const REVOKING_RANK: PolicyVerdict['rank'] = 4;

function asPending(connection: ArmConnection): ArmConnection {
  const state = connection.properties?.privateLinkServiceConnectionState ?? {};
  return { ...connection, properties: { ...connection.properties, privateLinkServiceConnectionState: { ...state, status: 'Pending' } } };
}

/** Evaluates a decided connection as if it were Pending now: what would today's policies say? */
export async function checkDrift(
  target: ArmId,
  connection: ArmConnection,
  siblings: ArmConnection[],
  deps: ReconcileDeps,
  revoke: boolean,
  log: Logger,
  humanDecision?: StandingHumanDecision,
): Promise<DriftItem | undefined> {
  const facts = connectionFacts(connection);
  const status = facts.status?.toLowerCase();
  if (status !== 'approved' && status !== 'rejected') return undefined;
  // connectionLimit counts Approved siblings; the connection itself must not count against itself.
  const others = siblings.filter((c) => c.id.toLowerCase() !== connection.id.toLowerCase());
  const { evaluationCase, endpoint, consumer } = await buildCase(target, asPending(connection), others, deps);
  const { decision, verdicts } = evaluateWithDetail(deps.policies, evaluationCase);
  const drifted = (status === 'approved' && decision.decision === 'reject') || (status === 'rejected' && decision.decision === 'approve');
  if (!drifted || decision.policy === null) return undefined;

  const startedMs = deps.now().getTime();
  const human = await humanDecision?.(connection.id, facts.status ?? status);
  const record: AuditRecord = {
    ...decisionRecord({ target, connection, decision, endpoint, consumer, evaluationCase, trigger: { type: 'sweep' }, enforced: false, startedMs }, deps),
    kind: 'drift',
    reasons: [`drift: the connection is ${facts.status ?? status} but the current policies would ${decision.decision} it`, ...decision.reasons],
  };
  const item: DriftItem = {
    target: target.text,
    connectionId: connection.id,
    status: facts.status ?? status,
    decision: decision.decision as 'approve' | 'reject',
    policy: decision.policy,
    reasons: decision.reasons,
    action: 'reported',
  };
  const wanted = wantedStatus(decision.decision);
  const explicit = decision.decision !== 'reject' || verdicts.some((v) => v.mode === 'enforce' && v.policy === decision.policy && v.rank === REVOKING_RANK);
  if (!explicit) item.reasons = [...item.reasons, 'not revoked: the reject rests on `otherwise`, not on a deny or visibility rule'];
  // A person decided this connection and it still shows their decision: report it, never undo it.
  if (human?.trigger.type === 'human') {
    const { principal, reason, override } = human.trigger;
    item.humanDecision = { principal, reason, override: override === true, recordId: human.id };
    item.reasons = [humanDecisionNote(human), ...item.reasons];
    record.reasons = [record.reasons[0]!, humanDecisionNote(human), ...record.reasons.slice(1)];
  }
  if (!revoke || deps.dryRun || wanted === undefined || !explicit || human !== undefined) {
    await appendOnce(record, deps);
    log.warn({ connection: connection.id, status: item.status, decision: item.decision, policy: item.policy }, 'drift found');
    return item;
  }
  // Act with the connection as ARM has it now (fresh etag), under the same exactly-once protocol.
  const current = await deps.arm.getConnection(connection.id);
  if (current === undefined || connectionFacts(current).status?.toLowerCase() !== status) return { ...item, action: 'owned' };
  const etag = current.etag ?? '';
  const result = await carryOutDecision(
    { connection: current, decision, record: { ...record, enforced: true, idempotencyKey: idempotencyKeyOf(current.id, etag), etag }, wanted, startedMs },
    deps,
    log.child({ connection: connection.id }),
  );
  item.action = result === 'rejected' ? 'revoked' : result === 'approved' ? 'approved' : result === 'owned' ? 'owned' : 'failed';
  return item;
}
