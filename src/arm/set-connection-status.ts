/**
 * Carries a decision to ARM and finds out how it ended: sends the type's write (write-request.ts),
 * follows its operation (poll-operation.ts), then reads the connection until it settles. A status
 * such as Approving or a provisioningState such as Updating means ARM is still at it: the client
 * waits a bounded number of polls and then reports `in-progress`, never failure. AOSM keeps no
 * connection to read, so its writes are confirmed by listing the store's endpoints afterwards.
 */
import { NotApprovableTypeError, type ResourceTypeEntry } from './resource-types.js';
import type { ArmConnection, SetStatusRequest, SetStatusResult, WriteOutcome } from './types.js';
import type { Send } from './send-request.js';
import type { AwaitOperation } from './poll-operation.js';
import type { ConnectionLister } from './list-connections.js';
import { parseConnection, parseEndpoint, type ConnectionRef } from './parse-ids.js';
import { writeRequestFor } from './write-request.js';
import { classifyState, isTransitionalStatus } from './write-outcome.js';

export { MAX_DESCRIPTION_LENGTH } from './write-request.js';

export interface SetStatusContext {
  send: Send;
  awaitOperation: AwaitOperation;
  readConnection: ConnectionLister['readConnection'];
  urlFor: (path: string, apiVersion: string) => URL;
  sleep: (ms: number) => Promise<void>;
  /** Wait between reads of a connection that is still settling. */
  pollIntervalMs: number;
  /** Polls (of the operation and of the connection together) before a write is reported in progress. */
  maxPolls: number;
}

export type SetConnectionStatus = (req: SetStatusRequest) => Promise<SetStatusResult>;

function statusOf(connection: ArmConnection | undefined): string | undefined {
  return connection?.properties?.privateLinkServiceConnectionState?.status;
}

/** Still being carried out: a transitional status, or a provisioningState that is not final. */
function settling(connection: ArmConnection | undefined, entry: ResourceTypeEntry): boolean {
  if (connection === undefined) return false;
  const provisioning = connection.properties?.provisioningState;
  return isTransitionalStatus(statusOf(connection), entry.transitional) || (typeof provisioning === 'string' && classifyState(provisioning) === 'running');
}

function settledOutcome(connection: ArmConnection | undefined, wanted: string): WriteOutcome {
  if (connection === undefined) return { kind: 'not-landed', reason: 'the connection no longer exists after the write', transient: false };
  const status = statusOf(connection);
  if (status?.toLowerCase() === wanted.toLowerCase()) return { kind: 'succeeded' };
  return { kind: 'not-landed', reason: `ARM shows status ${status ?? 'unknown'} after the write`, transient: false };
}

export function createStatusWriter(ctx: SetStatusContext): SetConnectionStatus {
  const { send, awaitOperation, readConnection, urlFor, sleep, pollIntervalMs, maxPolls } = ctx;

  /** Reads the connection until it settles or the polls run out. */
  async function readUntilSettled(ref: ConnectionRef, pollsLeft: number): Promise<{ connection: ArmConnection | undefined; settled: boolean }> {
    let connection = await readConnection(ref);
    for (let poll = 0; poll < pollsLeft && settling(connection, ref.entry); poll++) {
      await sleep(pollIntervalMs);
      connection = await readConnection(ref);
    }
    return { connection, settled: !settling(connection, ref.entry) };
  }

  /** AOSM: an approved endpoint stays listed, a removed one is gone; a listed state, when given, must agree. */
  async function confirmAosm(ref: ConnectionRef, req: SetStatusRequest): Promise<{ connection: ArmConnection | undefined; outcome: WriteOutcome }> {
    const listed = await readConnection(ref);
    if (req.status === 'Rejected') {
      if (listed === undefined) return { connection: { ...req.connection, properties: { ...req.connection.properties, privateLinkServiceConnectionState: { status: 'Rejected' } } }, outcome: { kind: 'succeeded' } };
      return { connection: listed, outcome: { kind: 'in-progress', reason: 'the artifact store still lists the endpoint after its removal' } };
    }
    if (listed === undefined) return { connection: undefined, outcome: { kind: 'not-landed', reason: 'the artifact store no longer lists the endpoint after the approval', transient: false } };
    const status = statusOf(listed);
    if (status !== undefined && status !== 'Pending' && status !== 'Approved') return { connection: listed, outcome: settledOutcome(listed, 'Approved') };
    // The 2024-04-15 API keeps no per-endpoint state: listed after a succeeded approval is approved.
    return { connection: { ...listed, properties: { ...listed.properties, privateLinkServiceConnectionState: { status: 'Approved' } } }, outcome: { kind: 'succeeded' } };
  }

  return async function setConnectionStatus(req: SetStatusRequest): Promise<SetStatusResult> {
    if (req.status !== 'Approved' && req.status !== 'Rejected') throw new TypeError(`status must be Approved or Rejected, got ${String(req.status)}`);
    const ref = parseConnection(req.connection.id);
    const { entry } = ref;
    if (entry.action === 'none') throw new NotApprovableTypeError(entry);
    const endpoint = entry.action === 'aosm-post' ? parseEndpoint(req.connection.properties?.privateEndpoint?.id) : undefined;
    const request = writeRequestFor(entry, { connection: ref.id, target: ref.target, endpoint }, req.connection, req.status, String(req.description ?? ''));
    // Without If-Match a retried write after a lost answer could land twice: leave that to the
    // caller, who reads the connection first (WriteOutcome 'unknown').
    const guarded = request.headers?.['if-match'] !== undefined;
    const reply = await send({
      method: request.method,
      url: urlFor(request.path, entry.apiVersion),
      kind: 'write',
      body: request.body,
      retryUnanswered: guarded,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
    });
    const requestId = reply.headers['x-ms-request-id'];
    const answered = { httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };

    const operation = await awaitOperation(reply, entry.apiVersion, maxPolls);
    if (operation.state === 'failed') {
      const connection = entry.action === 'aosm-post' ? undefined : await readConnection(ref);
      return { connection, ...answered, outcome: { kind: 'not-landed', reason: `the operation ended: ${operation.code}: ${operation.message}`, transient: false, code: operation.code } };
    }
    if (operation.state === 'running') {
      const connection = entry.action === 'aosm-post' ? req.connection : await readConnection(ref);
      return { connection, ...answered, outcome: { kind: 'in-progress', reason: operation.reason } };
    }
    if (entry.action === 'aosm-post') return { ...(await confirmAosm(ref, req)), ...answered };

    const { connection, settled } = await readUntilSettled(ref, maxPolls - operation.polls);
    if (!settled) {
      const state = `${statusOf(connection) ?? 'unknown'} (provisioningState ${connection?.properties?.provisioningState ?? 'unknown'})`;
      return { connection, ...answered, outcome: { kind: 'in-progress', reason: `the connection still reads ${state} after ${maxPolls} polls` } };
    }
    return { connection, ...answered, outcome: settledOutcome(connection, req.status) };
  };
}
