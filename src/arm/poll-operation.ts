/** Long-running operations: polls Azure-AsyncOperation or Location until the operation reaches a terminal state. */
import { ArmError, armErrorBody, parseRetryAfterMs } from './arm-error.js';
import { isRecord } from './json-values.js';
import type { Reply, Send } from './send-request.js';

export const TERMINAL_STATES = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

export interface PollContext {
  send: Send;
  followUrl: (link: string, what: string, apiVersion: string | undefined) => URL;
  sleep: (ms: number) => Promise<void>;
  /** Epoch milliseconds, for Retry-After dates. */
  now: () => number;
  /** Wait between polls when the server gives no Retry-After. */
  pollIntervalMs: number;
  /** Polls before the operation is given up as transient. */
  maxPolls: number;
}

/** Polls Azure-AsyncOperation (preferred) or Location to a terminal state; returns the final body. */
export type CompleteLongRunning = (reply: Reply, apiVersion: string) => Promise<unknown>;

export function createPoller(ctx: PollContext): CompleteLongRunning {
  const { send, followUrl, sleep, now, pollIntervalMs, maxPolls } = ctx;

  function pollDelay(reply: Reply): number {
    return parseRetryAfterMs(reply.headers['retry-after'], now()) ?? pollIntervalMs;
  }

  function operationFailed(path: string, body: unknown, state: string): ArmError {
    const { code, message } = armErrorBody(body);
    return new ArmError({
      method: 'GET', path, httpStatus: undefined, code: code ?? `LongRunningOperation${state}`, armMessage: message ?? `the operation ended ${state}`,
      requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
      hint: 'Azure accepted the write but the operation did not succeed; the connection is re-read on the next event or sweep.',
    });
  }

  function pollsExhausted(path: string): ArmError {
    return new ArmError({
      method: 'GET', path, httpStatus: undefined, code: 'LongRunningOperationTimeout', armMessage: `still running after ${maxPolls} polls`,
      requestId: undefined, correlationId: undefined, transient: true, retryAfterMs: undefined,
      hint: 'The operation may still complete; the connection is re-read on the next event or sweep.',
    });
  }

  return async function completeLongRunning(reply: Reply, apiVersion: string): Promise<unknown> {
    const asyncOperation = reply.headers['azure-asyncoperation'];
    const location = reply.headers.location;
    const provisioning = isRecord(reply.body) && isRecord(reply.body.properties) ? reply.body.properties.provisioningState : undefined;
    // An Azure-AsyncOperation header means a long-running operation whatever the status code (as
    // core-lro reads it): a 201 with it and no provisioningState is still running.
    const running = reply.status === 202 || asyncOperation !== undefined || (typeof provisioning === 'string' && !TERMINAL_STATES.has(provisioning.toLowerCase()));
    if (!running || (asyncOperation === undefined && location === undefined)) return reply.body;
    let delay = pollDelay(reply);
    if (asyncOperation !== undefined) {
      const url = followUrl(asyncOperation, 'Azure-AsyncOperation', apiVersion);
      for (let poll = 0; poll < maxPolls; poll++) {
        await sleep(delay);
        const status = await send({ method: 'GET', url, kind: 'read' });
        const state = isRecord(status.body) && typeof status.body.status === 'string' ? status.body.status : 'InProgress';
        if (state.toLowerCase() === 'succeeded') {
          // For POST actions the result sits behind Location; a PUT's result is re-read by the caller.
          if (location === undefined) return undefined;
          const result = await send({ method: 'GET', url: followUrl(location, 'Location', apiVersion), kind: 'read' });
          return result.body;
        }
        if (TERMINAL_STATES.has(state.toLowerCase())) throw operationFailed(url.pathname, status.body, state);
        delay = pollDelay(status);
      }
      throw pollsExhausted(url.pathname);
    }
    const url = followUrl(location as string, 'Location', apiVersion);
    for (let poll = 0; poll < maxPolls; poll++) {
      await sleep(delay);
      const result = await send({ method: 'GET', url, kind: 'read' });
      if (result.status !== 202) return result.body;
      delay = pollDelay(result);
    }
    throw pollsExhausted(url.pathname);
  };
}
