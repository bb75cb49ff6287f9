/**
 * Long-running operations, the ways ARM runs them: an `Azure-AsyncOperation` URL answering
 * `{status}` (or, for Key Vault, the connection itself answering `properties.provisioningState`),
 * or a `Location` URL answering 202 until done, or 200 with an operation-status body
 * `{"status": "InProgress"|"Succeeded"|…}` (Azure Monitor private link scopes, AOSM; DESIGN §9).
 * The body is always read: a 200 that says InProgress or Failed is not success. Polling is
 * bounded by a count and, for a write, by its deadline (a poll whose wait would pass it is not
 * begun), so a slow operation ends as "running" for the caller to revisit.
 */
import { ArmError, armErrorBody, parseRetryAfterMs } from './arm-error.js';
import { isRecord } from './json-values.js';
import type { Reply, Send } from './send-request.js';
import { classifyState } from './write-outcome.js';

export interface PollContext {
  send: Send;
  followUrl: (link: string, what: string, apiVersion: string | undefined) => URL;
  sleep: (ms: number) => Promise<void>;
  /** Epoch milliseconds, for Retry-After dates. */
  now: () => number;
  /** Wait between polls when the server gives no Retry-After. */
  pollIntervalMs: number;
  /** Polls before the operation is left running for the caller to revisit. */
  maxPolls: number;
}

export type OperationResult =
  | { state: 'done'; body: unknown; polls: number }
  | { state: 'failed'; code: string; message: string; path: string; polls: number }
  | { state: 'running'; reason: string; polls: number };

/**
 * Follows a reply's operation to its end (or the poll budget, or the write's deadline given as the
 * latest start of a request, see send-request.ts); never throws for the operation's own state.
 */
export type AwaitOperation = (reply: Reply, apiVersion: string, maxPolls?: number, lastStartMs?: number) => Promise<OperationResult>;

/** Like AwaitOperation, for reads that need the result: a failed or still running operation throws ArmError. */
export type CompleteLongRunning = (reply: Reply, apiVersion: string, lastStartMs?: number) => Promise<unknown>;

/** The state word of an operation-status body, or of a resource polled in its place (Key Vault). */
export function stateOfBody(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.status === 'string') return body.status;
  if (isRecord(body.properties) && typeof body.properties.provisioningState === 'string') return body.properties.provisioningState;
  return undefined;
}

export function createPoller(ctx: PollContext): { awaitOperation: AwaitOperation; completeLongRunning: CompleteLongRunning } {
  const { send, followUrl, sleep, now, pollIntervalMs } = ctx;
  const delayAfter = (reply: Reply): number => parseRetryAfterMs(reply.headers['retry-after'], now()) ?? pollIntervalMs;

  async function awaitOperation(reply: Reply, apiVersion: string, maxPolls = ctx.maxPolls, lastStartMs?: number): Promise<OperationResult> {
    const deadline = lastStartMs === undefined ? {} : { lastStartMs };
    const asyncOperation = reply.headers['azure-asyncoperation'];
    const location = reply.headers.location;
    // A polling header means a long-running operation whatever the status code (as core-lro reads
    // it); a 202 without one has nothing to poll, and the caller reads the resource instead.
    if (asyncOperation === undefined && (location === undefined || reply.status !== 202)) return { state: 'done', body: reply.body, polls: 0 };
    const viaAsync = asyncOperation !== undefined;
    const url = followUrl(viaAsync ? asyncOperation : (location as string), viaAsync ? 'Azure-AsyncOperation' : 'Location', apiVersion);
    let delay = delayAfter(reply);
    for (let poll = 1; poll <= maxPolls; poll++) {
      if (lastStartMs !== undefined && now() + delay > lastStartMs) {
        return { state: 'running', reason: `the write's deadline came before poll ${poll} of ${url.pathname} (next wait ${delay} ms)`, polls: poll - 1 };
      }
      await sleep(delay);
      const answer = await send({ method: 'GET', url, kind: 'read', ...deadline });
      delay = delayAfter(answer);
      // Location answers 202 while running; 200/204 without a status word is the result itself.
      if (!viaAsync && answer.status === 202) continue;
      const word = stateOfBody(answer.body);
      if (!viaAsync && word === undefined) return { state: 'done', body: answer.body, polls: poll };
      const state = classifyState(word);
      if (state === 'running') continue;
      if (state === 'failed') {
        const { code, message } = armErrorBody(answer.body);
        return { state: 'failed', code: code ?? `LongRunningOperation${word ?? 'Failed'}`, message: message ?? `the operation ended ${word ?? 'Failed'}`, path: url.pathname, polls: poll };
      }
      // For POST actions the result sits behind Location; a PUT's result is read by the caller.
      if (viaAsync && location !== undefined && reply.status === 202) {
        const result = await send({ method: 'GET', url: followUrl(location, 'Location', apiVersion), kind: 'read', ...deadline });
        return { state: 'done', body: result.body, polls: poll };
      }
      return { state: 'done', body: viaAsync ? undefined : answer.body, polls: poll };
    }
    return { state: 'running', reason: `the operation was still running after ${maxPolls} polls of ${url.pathname}`, polls: maxPolls };
  }

  async function completeLongRunning(reply: Reply, apiVersion: string, lastStartMs?: number): Promise<unknown> {
    const result = await awaitOperation(reply, apiVersion, ctx.maxPolls, lastStartMs);
    if (result.state === 'done') return result.body;
    const running = result.state === 'running';
    throw new ArmError({
      method: 'GET',
      path: running ? '' : result.path,
      httpStatus: undefined,
      code: running ? 'LongRunningOperationTimeout' : result.code,
      armMessage: running ? result.reason : result.message,
      requestId: undefined,
      correlationId: undefined,
      transient: running,
      retryAfterMs: undefined,
      hint: running ? 'The operation may still complete; it is read again on the next event or sweep.' : 'Azure accepted the request but the operation did not succeed.',
    });
  }

  return { awaitOperation, completeLongRunning };
}
