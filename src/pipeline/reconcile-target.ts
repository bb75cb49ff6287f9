/**
 * reconcile(target): the level-triggered heart of linkgate (DESIGN §1). Reads the target's
 * connections from ARM, decides every Pending one with the compiled policies, and carries the
 * decision out exactly once:
 *
 *   claim (audit intent, idempotency key = connection ID + etag read)
 *     → approve/reject in ARM → complete the same record with the outcome.
 *
 * Only the claimer writes to ARM; a duplicate delivery, a second worker or a later sweep finds
 * the key claimed (or the connection no longer Pending) and writes nothing. A claim left pending
 * by a crash is finished by the next reconcile after its lease. If the audit store cannot be
 * written, nothing is written to ARM (the error propagates and the invocation fails).
 */
import type { ArmClient, ArmConnection, EndpointRead } from '../arm/types.js';
import { equivalenceKeyOf } from '../audit/equivalence-key.js';
import type { AuditRecord, AuditStore, AuditTrigger } from '../audit/types.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import { connectionFacts, endpointFacts } from '../policy/connection-facts.js';
import { evaluate } from '../policy/evaluate.js';
import type { Decision, EvaluationCase } from '../policy/types.js';
import { describeDecision } from './describe-decision.js';
import { isPreconditionFailed, isTransientError, errorSummary } from './classify-error.js';
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
}

export type ConnectionResult =
  | 'approved'
  | 'rejected'
  | 'manual'
  | 'ignored'
  /** Decided approve or reject and recorded, but not written: a dry run. */
  | 'wouldApprove'
  | 'wouldReject'
  /** Another delivery, worker or earlier run owns or already finished this decision. */
  | 'owned'
  | 'failed';

export interface TargetOutcome {
  target: string;
  connections: number;
  pending: number;
  results: Record<ConnectionResult, number>;
  /** Records finished for claims an earlier, interrupted attempt left pending. */
  recovered: number;
  errors: string[];
  /** A failure worth retrying (throttling, 5xx, store down): the invocation should fail so Event Grid redelivers. */
  transient: boolean;
  /** The connections as listed from ARM (for the sweep's drift report). */
  seen: ArmConnection[];
}

const MAX_DECIDE_ATTEMPTS = 3;

/**
 * The ARM write landed but its audit record could not be completed. Always transient: the
 * invocation must fail so the delivery is retried until a reconcile finishes the record after its
 * lease (whatever the store's own error says; a 200 here would leave the record pending for good,
 * since the connection is no longer Pending and nothing else would revisit the target).
 */
export class IncompleteRecordError extends LinkgateError {
  override name = 'IncompleteRecordError';
  readonly transient = true;
}

function emptyOutcome(target: ArmId): TargetOutcome {
  return {
    target: target.text,
    connections: 0,
    pending: 0,
    results: { approved: 0, rejected: 0, manual: 0, ignored: 0, wouldApprove: 0, wouldReject: 0, owned: 0, failed: 0 },
    recovered: 0,
    errors: [],
    transient: false,
    seen: [],
  };
}

function statusOf(connection: ArmConnection | undefined): string | undefined {
  return connection === undefined ? undefined : connectionFacts(connection).status;
}

function etagOfKey(key: string): string {
  return key.slice(key.lastIndexOf('|') + 1);
}

function withStatus(connection: ArmConnection, status: 'Approved' | 'Rejected'): ArmConnection {
  const properties = connection.properties ?? {};
  return { ...connection, properties: { ...properties, privateLinkServiceConnectionState: { ...properties.privateLinkServiceConnectionState, status } } };
}

export function wantedStatus(decision: Decision['decision']): 'Approved' | 'Rejected' | undefined {
  return decision === 'approve' ? 'Approved' : decision === 'reject' ? 'Rejected' : undefined;
}

export async function reconcileTarget(target: ArmId, trigger: AuditTrigger, deps: ReconcileDeps): Promise<TargetOutcome> {
  const outcome = emptyOutcome(target);
  const log = deps.logger.child({ target: target.text });
  try {
    const interrupted = await finishInterruptedClaims(target, deps, log);
    outcome.recovered = interrupted.finished;
    const connections = await deps.arm.listConnections(target.text);
    const landed = writesAwaitingRecord(interrupted.leased, connections, deps);
    if (landed > 0) {
      // A claimed decision whose ARM write has landed but whose record is not complete, under a live
      // lease: its writer is finishing it or died after the write. This delivery must not be the
      // last word on the target (nothing else would revisit a target with nothing Pending), so it
      // fails transiently and Event Grid redelivers until a reconcile after the lease finishes it.
      outcome.transient = true;
      outcome.errors.push(`${landed} decision(s) on this target were written to ARM but their audit record is not complete yet; retry after the lease`);
    }
    outcome.connections = connections.length;
    outcome.seen = connections;
    // The target's connections as decided so far in this pass: connectionLimit must count the
    // approvals this pass has already made, not only those ARM showed when the list was read.
    const current = [...connections];
    for (const [index, listed] of connections.entries()) {
      if (!connectionFacts(listed).isPending) continue;
      outcome.pending++;
      let connection: ArmConnection | undefined = listed;
      let siblings = current;
      for (let attempt = 1; connection !== undefined && attempt <= MAX_DECIDE_ATTEMPTS; attempt++) {
        const step = await decideAndAct(target, connection, siblings, trigger, deps, log);
        if (step !== 'changed') {
          outcome.results[step]++;
          if (step === 'approved' || step === 'rejected') current[index] = withStatus(connection, step === 'approved' ? 'Approved' : 'Rejected');
          break;
        }
        // 412: the connection changed between our read and our write. Read again and decide again.
        connection = await deps.arm.getConnection(listed.id);
        if (connection === undefined || !connectionFacts(connection).isPending) break;
        current[index] = connection;
        siblings = current;
        if (attempt === MAX_DECIDE_ATTEMPTS) outcome.results.failed++;
      }
    }
  } catch (error) {
    outcome.errors.push(errorSummary(error));
    outcome.transient ||= isTransientError(error);
    log.error({ err: error, transient: outcome.transient }, 'reconcile failed for target');
  }
  return outcome;
}

/**
 * Leased claims whose ARM write has landed (the connection no longer shows the claimed etag as
 * Pending) and that are older than a quarter of the lease. A live writer completes its record
 * within seconds (its polls included); an older one has almost surely lost its record, and only
 * a redelivery after the lease will finish it. Younger ones are left alone, so concurrent
 * deliveries for one target do not fail each other.
 */
function writesAwaitingRecord(leased: AuditRecord[], connections: ArmConnection[], deps: ReconcileDeps): number {
  const byId = new Map(connections.map((c) => [c.id.toLowerCase(), c]));
  const now = deps.now().getTime();
  return leased.filter((record) => {
    if (now - Date.parse(record.time) < deps.leaseMs / 4) return false;
    const current = byId.get(record.connectionId.toLowerCase());
    return current === undefined || !connectionFacts(current).isPending || (current.etag ?? '') !== etagOfKey(record.idempotencyKey);
  }).length;
}

/** Claims whose writer died between intent and outcome, once their lease has expired; `leased` are those still under a live lease. */
async function finishInterruptedClaims(target: ArmId, deps: ReconcileDeps, log: Logger): Promise<{ finished: number; leased: AuditRecord[] }> {
  let finished = 0;
  const leased: AuditRecord[] = [];
  for (const record of await deps.store.incomplete(target.key)) {
    if (record.leaseUntil !== undefined && Date.parse(record.leaseUntil) > deps.now().getTime()) {
      leased.push(record);
      continue;
    }
    const current = await deps.arm.getConnection(record.connectionId);
    const facts = current === undefined ? undefined : connectionFacts(current);
    // Still Pending with the etag the claim was made for: the main pass takes the claim over and acts.
    if (facts?.isPending === true && (current?.etag ?? '') === etagOfKey(record.idempotencyKey)) continue;
    const taken = await deps.store.takeOver(record, new Date(deps.now().getTime() + deps.leaseMs));
    if (!taken.taken) continue;
    const wanted = wantedStatus(record.decision);
    const succeeded = wanted !== undefined && facts?.status?.toLowerCase() === wanted.toLowerCase();
    await deps.store.complete({
      ...taken.record,
      action: succeeded
        ? { status: 'succeeded', error: 'finished after an interrupted attempt: ARM already shows ' + wanted }
        : { status: 'superseded', error: `finished after an interrupted attempt: ARM shows ${facts?.status ?? 'no such connection'}` },
    });
    log.warn({ connection: record.connectionId, recordId: record.id, status: facts?.status }, 'finished an interrupted decision');
    finished++;
  }
  return { finished, leased };
}

async function readEndpoint(deps: ReconcileDeps, endpointId: string | undefined): Promise<EndpointRead | undefined> {
  if (endpointId === undefined) return undefined;
  return deps.caches.endpoint(endpointId, () => deps.arm.getPrivateEndpoint(endpointId));
}

export async function buildCase(
  target: ArmId,
  connection: ArmConnection,
  siblings: ArmConnection[],
  deps: ReconcileDeps,
): Promise<{ evaluationCase: EvaluationCase; endpoint: EndpointRead | undefined }> {
  const needs = deps.policies.requirements(target.key);
  const facts = connectionFacts(connection);
  const endpoint = needs.endpoint ? await readEndpoint(deps, facts.privateEndpointId) : undefined;
  const subscription = facts.consumerSubscriptionId;
  const tenant =
    needs.tenant && subscription !== undefined
      ? await deps.caches.tenant(subscription, () => deps.arm.homeTenantOf(subscription))
      : undefined;
  const evaluationCase: EvaluationCase = { connection };
  if (endpoint?.readable === true) evaluationCase.privateEndpoint = endpoint.endpoint;
  else if (endpoint !== undefined) evaluationCase.privateEndpointUnavailable = `private endpoint not readable (HTTP ${endpoint.httpStatus}: ${endpoint.reason})`;
  else if (needs.endpoint) evaluationCase.privateEndpointUnavailable = 'the connection names no private endpoint';
  if (needs.targetConnections) evaluationCase.targetConnections = siblings;
  if (tenant !== undefined) evaluationCase.consumerTenantId = tenant;
  return { evaluationCase, endpoint };
}

export function recordFor(
  target: ArmId,
  connection: ArmConnection,
  decision: Decision,
  endpoint: EndpointRead | undefined,
  evaluationCase: EvaluationCase,
  trigger: AuditTrigger,
  enforced: boolean,
  deps: ReconcileDeps,
  started: number,
): AuditRecord {
  const facts = connectionFacts(connection);
  const record: AuditRecord = {
    id: deps.newId(),
    time: deps.now().toISOString(),
    trigger,
    target: target.text,
    connectionId: connection.id,
    privateEndpointId: facts.privateEndpointId ?? '',
    consumerSubscriptionId: facts.consumerSubscriptionId ?? '',
    requestMessage: facts.requestMessage,
    previousStatus: facts.status ?? '',
    decision: decision.decision,
    enforced,
    policy: decision.policy,
    reasons: decision.reasons,
    shadow: decision.shadow,
    policyRevision: deps.policies.revision,
    action: { status: 'skipped' },
    durationMs: Date.now() - started,
    idempotencyKey: `${connection.id.toLowerCase()}|${connection.etag ?? ''}`,
    kind: 'decision',
  };
  if (evaluationCase.consumerTenantId !== undefined) record.consumerTenantId = evaluationCase.consumerTenantId;
  if (endpoint?.readable === true) {
    const details = endpointFacts(endpoint.endpoint);
    if (details.subnetId !== undefined) record.subnetId = details.subnetId;
    if (details.ipAddresses.length > 0) record.ipAddresses = details.ipAddresses;
  }
  return record;
}

/** Decides one Pending connection and carries the decision out. 'changed' = 412, read again. */
async function decideAndAct(
  target: ArmId,
  connection: ArmConnection,
  siblings: ArmConnection[],
  trigger: AuditTrigger,
  deps: ReconcileDeps,
  targetLog: Logger,
): Promise<ConnectionResult | 'changed'> {
  const started = Date.now();
  const log = targetLog.child({ connection: connection.id });
  const { evaluationCase, endpoint } = await buildCase(target, connection, siblings, deps);
  const decision = evaluate(deps.policies, evaluationCase);
  if (decision.decision === 'ignore' && decision.shadow.length === 0) {
    log.debug({ reasons: decision.reasons }, 'not governed');
    return 'ignored';
  }
  const wanted = wantedStatus(decision.decision);
  const writes = wanted !== undefined && !deps.dryRun;
  const record = recordFor(target, connection, decision, endpoint, evaluationCase, trigger, decision.policy !== null && !deps.dryRun, deps, started);

  if (!writes) {
    await appendOnce(record, deps);
    log.info({ decision: decision.decision, policy: decision.policy, dryRun: deps.dryRun, reasons: decision.reasons }, 'decided; nothing to write');
    if (wanted !== undefined) return wanted === 'Approved' ? 'wouldApprove' : 'wouldReject';
    return decision.decision === 'manual' ? 'manual' : 'ignored';
  }

  return carryOutDecision(connection, decision, record, wanted, deps, log, started);
}

/**
 * Claims the decision, writes it to ARM and completes the record: the exactly-once protocol.
 * 'changed' means 412 (the connection moved under us): the caller reads it again and decides again.
 */
export async function carryOutDecision(
  connection: ArmConnection,
  decision: Decision,
  record: AuditRecord,
  wanted: 'Approved' | 'Rejected',
  deps: ReconcileDeps,
  log: Logger,
  started: number,
): Promise<ConnectionResult | 'changed'> {
  const leaseUntil = new Date(deps.now().getTime() + deps.leaseMs).toISOString();
  let claimed: AuditRecord;
  const claim = await deps.store.claim({ ...record, action: { status: 'pending' }, leaseUntil });
  if (claim.claimed) {
    claimed = claim.record;
  } else {
    const existing = claim.existing;
    const expired = existing.leaseUntil === undefined || Date.parse(existing.leaseUntil) <= deps.now().getTime();
    if (existing.action.status !== 'pending' || !expired) {
      log.debug({ recordId: existing.id, status: existing.action.status }, 'decision owned by another delivery or worker');
      return 'owned';
    }
    const taken = await deps.store.takeOver(existing, new Date(leaseUntil));
    if (!taken.taken) return 'owned';
    // Finish the interrupted decision under its original record, with today's policies.
    claimed = {
      ...taken.record,
      decision: record.decision,
      policy: record.policy,
      reasons: [...record.reasons, 'finished after an interrupted attempt (lease expired)'],
      shadow: record.shadow,
      policyRevision: record.policyRevision,
    };
  }

  let result: Awaited<ReturnType<ArmClient['setConnectionStatus']>>;
  try {
    result = await deps.arm.setConnectionStatus({ connection, status: wanted, description: describeDecision(decision) });
  } catch (error) {
    const summary = errorSummary(error);
    const details = error as { httpStatus?: number; requestId?: string };
    const action: AuditRecord['action'] = { status: 'failed', error: summary };
    if (typeof details.httpStatus === 'number') action.httpStatus = details.httpStatus;
    if (typeof details.requestId === 'string') action.armRequestId = details.requestId;
    if (isPreconditionFailed(error)) {
      // The etag moved. Either someone else decided, or our own write landed and the client's retry
      // of it (after a lost answer) met the new etag: ARM's current status tells which.
      const current = await deps.arm.getConnection(connection.id);
      if (statusOf(current)?.toLowerCase() === wanted.toLowerCase()) {
        await deps.store.complete({ ...claimed, action: { ...action, status: 'succeeded', error: `412 on a retried write; ARM shows ${wanted}` }, durationMs: Date.now() - started });
        log.info({ decision: decision.decision }, `connection ${wanted.toLowerCase()} (confirmed after a 412 on a retried write)`);
        return wanted === 'Approved' ? 'approved' : 'rejected';
      }
      await deps.store.complete({ ...claimed, action: { ...action, status: 'superseded' }, durationMs: Date.now() - started });
      log.info('connection changed before our write (412); reading it again');
      return 'changed';
    }
    if (isTransientError(error)) {
      // ARM answered and refused (429, 5xx): release the claim at once so Event Grid's redelivery
      // can act. Without an answer (reset, timeout) or with an operation still running, the write
      // may land yet: keep the lease, so nobody writes again before it could have finished.
      const refused = typeof details.httpStatus === 'number' && details.httpStatus !== 408;
      const leaseUntil = refused ? deps.now().toISOString() : claimed.leaseUntil;
      await deps.store.complete({ ...claimed, action: { ...action, status: 'pending' }, ...(leaseUntil === undefined ? {} : { leaseUntil }), durationMs: Date.now() - started });
      throw error;
    }
    await deps.store.complete({ ...claimed, action, durationMs: Date.now() - started });
    log.error({ err: error, decision: decision.decision }, 'ARM refused the decision');
    return 'failed';
  }

  // The write is done. If completing the record fails now, it stays 'pending' with its lease and the
  // next reconcile of this target finishes it from what ARM shows: never a second write.
  const now = statusOf(result.connection);
  const confirmed = now?.toLowerCase() === wanted.toLowerCase();
  const action: AuditRecord['action'] = { status: confirmed ? 'succeeded' : 'failed', httpStatus: result.httpStatus };
  if (result.armRequestId !== undefined) action.armRequestId = result.armRequestId;
  if (!confirmed) action.error = `ARM reports status ${now ?? 'unknown'} after the write`;
  try {
    await deps.store.complete({ ...claimed, action, durationMs: Date.now() - started });
  } catch (error) {
    throw new IncompleteRecordError(`the ARM write succeeded but its audit record could not be completed: ${errorSummary(error)}`, {
      hint: 'the record stays pending under its lease; a redelivery or the next reconcile of this target completes it from what ARM shows, without a second write',
      cause: error,
    });
  }
  log.info({ decision: decision.decision, policy: decision.policy, httpStatus: result.httpStatus, confirmed }, `connection ${wanted.toLowerCase()}`);
  if (!confirmed) return 'failed';
  return wanted === 'Approved' ? 'approved' : 'rejected';
}


/**
 * Records that write nothing claim nothing; to keep duplicates, racing workers and periodic sweeps
 * from piling up identical records, the store writes one per equivalence key (connection state,
 * decision, enforcement, policy revision, kind), atomically.
 */
export async function appendOnce(record: AuditRecord, deps: ReconcileDeps): Promise<void> {
  // A read first: the common case (every sweep meets the same manual connections again) then
  // costs one query and no write; appendOnce settles the rare race atomically.
  const key = equivalenceKeyOf(record);
  const previous = await deps.store.findByKey(record.idempotencyKey);
  if (previous.some((p) => p.action.status === 'skipped' && p.leaseUntil === undefined && equivalenceKeyOf(p) === key)) return;
  await deps.store.appendOnce(record);
}
