/**
 * Carries a decision to ARM and finds out how it ended: sends the type's write (write-request.ts),
 * follows its operation (poll-operation.ts), then reads the connection until it settles. A status
 * such as Approving or a provisioningState such as Updating means ARM is still at it: the client
 * waits a bounded number of polls and then reports `in-progress`, never failure. AOSM keeps no
 * connection to read, so its writes are confirmed by listing the store's endpoints afterwards.
 *
 * The whole write has a deadline (client-limits.ts `writeWorstCaseMs`): no request is started,
 * retried or paced, and no poll waited for, that could end after it. Reaching it once the write
 * was accepted, or failing to follow an accepted write at all, reports `in-progress`: the claim
 * keeps its lease and the connection is read again later; it is never reported failed.
 */
import { NotApprovableTypeError, type ResourceTypeEntry } from './resource-types.js';
import type { ArmConnection, SetStatusRequest, SetStatusResult, WriteOutcome } from './types.js';
import type { Reply, Send } from './send-request.js';
import type { AwaitOperation } from './poll-operation.js';
import type { ConnectionLister } from './list-connections.js';
import { parseConnection, parseEndpoint, type ConnectionRef } from './parse-ids.js';
import { ArmError } from './arm-error.js';
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
  /** Epoch milliseconds, the sender's clock. */
  now: () => number;
  /** The write's deadline, from its first request (client-limits.ts `writeWorstCaseMs`). */
  writeDeadlineMs: number;
  /** One request's timeout: the last request starts no later than this before the deadline. */
  timeoutMs: number;
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
  const { send, awaitOperation, readConnection, urlFor, sleep, pollIntervalMs, maxPolls, now } = ctx;

  /** Reads the connection until it settles, the polls run out or the next poll would pass the deadline. */
  async function readUntilSettled(ref: ConnectionRef, pollsLeft: number, lastStartMs: number): Promise<{ connection: ArmConnection | undefined; settled: boolean }> {
    let connection = await readConnection(ref, lastStartMs);
    for (let poll = 0; poll < pollsLeft && settling(connection, ref.entry) && now() + pollIntervalMs <= lastStartMs; poll++) {
      await sleep(pollIntervalMs);
      connection = await readConnection(ref, lastStartMs);
    }
    return { connection, settled: !settling(connection, ref.entry) };
  }

  /** AOSM: an approved endpoint stays listed, a removed one is gone; a listed state, when given, must agree. */
  async function confirmAosm(ref: ConnectionRef, req: SetStatusRequest, lastStartMs: number): Promise<{ connection: ArmConnection | undefined; outcome: WriteOutcome }> {
    const listed = await readConnection(ref, lastStartMs);
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
    const lastStartMs = now() + ctx.writeDeadlineMs - ctx.timeoutMs;
    const reply = await send({
      method: request.method,
      url: urlFor(request.path, entry.apiVersion),
      kind: 'write',
      body: request.body,
      retryUnanswered: guarded,
      lastStartMs,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
    });
    const requestId = reply.headers['x-ms-request-id'];
    const answered = { httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };
    try {
      return { ...(await follow(ref, req, reply, lastStartMs)), ...answered };
    } catch (error) {
      // Accepted, but what came of it could not be read before the deadline (or at all): Azure may
      // still be carrying it out, so it is in progress, never failed, and the claim keeps its lease.
      if (!(error instanceof ArmError)) throw error;
      return { connection: undefined, ...answered, outcome: { kind: 'in-progress', reason: `ARM accepted the write (HTTP ${reply.status}) but following it failed: ${error.message}` } };
    }
  };

  /** After the write was accepted: its operation, then the connection until it settles. */
  async function follow(ref: ConnectionRef, req: SetStatusRequest, reply: Reply, lastStartMs: number): Promise<{ connection: ArmConnection | undefined; outcome: WriteOutcome }> {
    const { entry } = ref;
    const operation = await awaitOperation(reply, entry.apiVersion, maxPolls, lastStartMs);
    if (operation.state === 'failed') {
      const connection = entry.action === 'aosm-post' ? undefined : await readConnection(ref, lastStartMs);
      return { connection, outcome: { kind: 'not-landed', reason: `the operation ended: ${operation.code}: ${operation.message}`, transient: false, code: operation.code } };
    }
    if (operation.state === 'running') {
      // Only what ARM shows now, when there is still time to ask; the outcome is the same either way.
      const connection = entry.action === 'aosm-post' ? req.connection : now() <= lastStartMs ? await readConnection(ref, lastStartMs) : undefined;
      return { connection, outcome: { kind: 'in-progress', reason: operation.reason } };
    }
    if (entry.action === 'aosm-post') return confirmAosm(ref, req, lastStartMs);

    const { connection, settled } = await readUntilSettled(ref, maxPolls - operation.polls, lastStartMs);
    if (!settled) {
      const state = `${statusOf(connection) ?? 'unknown'} (provisioningState ${connection?.properties?.provisioningState ?? 'unknown'})`;
      const when = now() + pollIntervalMs > lastStartMs ? "at the write's deadline" : `after ${maxPolls} polls`;
      return { connection, outcome: { kind: 'in-progress', reason: `the connection still reads ${state} ${when}` } };
    }
    return { connection, outcome: settledOutcome(connection, req.status) };
  }
}
