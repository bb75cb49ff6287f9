/**
 * The audit record of one decision (DESIGN §6), built from one object so no field can be passed
 * in the wrong place, and the idempotency key it is claimed under. The etag read is a field of its
 * own: code that needs it reads `record.etag`, never the key.
 */
import type { ConsumerFacts } from '../arm/read-consumer-facts.js';
import type { ArmConnection, ConnectionStatus, EndpointRead } from '../arm/types.js';
import type { AuditRecord, AuditTrigger } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import { connectionFacts, endpointFacts } from '../policy/connection-facts.js';
import type { Decision, EvaluationCase } from '../policy/types.js';
import { elapsedMs, type ReconcileDeps } from './reconcile-deps.js';

export interface DecisionRecordInput {
  target: ArmId;
  /** The connection as read: its ID and etag key the record. */
  connection: ArmConnection;
  decision: Decision;
  endpoint: EndpointRead | undefined;
  /** The consumer's request message and where each consumer fact came from (build-case.ts). */
  consumer?: ConsumerFacts | undefined;
  evaluationCase: EvaluationCase;
  trigger: AuditTrigger;
  /** False in audit mode, dry run and for drift reports not acted on. */
  enforced: boolean;
  /** When deciding started, on `deps.now`'s clock (epoch ms). */
  startedMs: number;
}

/** Connection ID (lower case) and the etag read: one Pending state of one connection. */
export function idempotencyKeyOf(connectionId: string, etag: string): string {
  return `${connectionId.toLowerCase()}|${etag}`;
}

export function decisionRecord(input: DecisionRecordInput, deps: Pick<ReconcileDeps, 'now' | 'newId' | 'policies'>): AuditRecord {
  const { connection, decision, endpoint, evaluationCase } = input;
  const facts = connectionFacts(connection);
  const etag = connection.etag ?? '';
  const record: AuditRecord = {
    id: deps.newId(),
    time: deps.now().toISOString(),
    trigger: input.trigger,
    target: input.target.text,
    connectionId: connection.id,
    privateEndpointId: facts.privateEndpointId ?? '',
    consumerSubscriptionId: facts.consumerSubscriptionId ?? '',
    requestMessage: input.consumer?.requestMessage ?? facts.requestMessage,
    ...(input.consumer === undefined ? {} : { factSources: input.consumer.sources }),
    previousStatus: facts.status ?? '',
    decision: decision.decision,
    enforced: input.enforced,
    policy: decision.policy,
    reasons: decision.reasons,
    shadow: decision.shadow,
    policyRevision: deps.policies.revision,
    action: { status: 'skipped' },
    durationMs: elapsedMs(deps, input.startedMs),
    idempotencyKey: idempotencyKeyOf(connection.id, etag),
    etag,
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

export function wantedStatus(decision: Decision['decision']): ConnectionStatus | undefined {
  return decision === 'approve' ? 'Approved' : decision === 'reject' ? 'Rejected' : undefined;
}

export function statusOf(connection: ArmConnection | undefined): string | undefined {
  return connection === undefined ? undefined : connectionFacts(connection).status;
}

/** ARM shows `wanted` on the connection (status names compare case-insensitively). */
export function shows(connection: ArmConnection | undefined, wanted: ConnectionStatus): boolean {
  return statusOf(connection)?.toLowerCase() === wanted.toLowerCase();
}

/** The connection still shows the Pending state the claim was made for: nothing has landed. */
export function stillAsClaimed(record: AuditRecord, current: ArmConnection | undefined): boolean {
  return current !== undefined && connectionFacts(current).isPending && (current.etag ?? '') === (record.etag ?? '');
}

/** Statuses a connection passes through while a decision is carried out (Web/sites, API Management). */
export function inProgress(status: string | undefined): boolean {
  return status !== undefined && /^(approving|rejecting|disconnecting|updating)$/iu.test(status);
}

/** The connection as it is once `status` is written: what later decisions in the same pass must see. */
export function withStatus(connection: ArmConnection, status: ConnectionStatus): ArmConnection {
  const properties = connection.properties ?? {};
  return { ...connection, properties: { ...properties, privateLinkServiceConnectionState: { ...properties.privateLinkServiceConnectionState, status } } };
}
