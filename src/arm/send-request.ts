/** Sends one ARM request: token, pacing, undici with a timeout, ratelimit headers fed back to the buckets, typed errors, retries. */
import { request, type Dispatcher } from 'undici';
import type { Logger } from '../log/create-logger.js';
import { ArmError, armErrorFromNetwork, armErrorFromResponse } from './arm-error.js';
import type { RequestKind, TokenBuckets } from './token-bucket.js';
import { withRetry, type RetryPolicy } from './retry.js';
import type { TokenSource } from './token-source.js';

export type Method = 'GET' | 'PUT' | 'PATCH' | 'POST';

export interface Call {
  method: Method;
  url: URL;
  kind: RequestKind;
  body?: unknown;
  headers?: Record<string, string>;
  /** No Authorization header (the home-tenant probe). */
  anonymous?: boolean;
  /** Error statuses returned to the caller instead of thrown. */
  accept?: readonly number[];
  /**
   * false: a failure without an answer (reset, timeout, 408) is not retried here. For writes no
   * If-Match protects: the first attempt may have landed, and only a read can tell.
   */
  retryUnanswered?: boolean;
  /**
   * A write's deadline, as the latest time (on the sender's clock) an attempt may start: its full
   * timeout then still ends by the deadline. No attempt, retry wait or pacing wait is begun that
   * would pass it; the request fails instead (the last error, or `WriteDeadline`).
   */
  lastStartMs?: number;
}

/** The deadline came before this request could be sent (again): transient, and whether it was ever sent is the caller's to know. */
export function deadlineReached(call: Call, what: string): ArmError {
  return new ArmError({
    method: call.method, path: call.url.pathname, httpStatus: undefined, code: 'WriteDeadline',
    armMessage: `the write's deadline was reached before ${what}`,
    requestId: undefined, correlationId: undefined, transient: true, retryAfterMs: undefined,
    hint: 'The write is revisited on the next event or sweep, once its claim\'s lease allows.',
  });
}

/** No answer, or ARM's own "timed out": whether the request was carried out is unknown. */
function unanswered(error: unknown): boolean {
  const status = (error as Partial<ArmError> | undefined)?.httpStatus;
  return status === undefined || status === 408;
}

export interface Reply {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export type Send = (call: Call) => Promise<Reply>;

export interface SenderContext {
  logger: Logger;
  /** Epoch milliseconds, for request timing and Retry-After dates. */
  now: () => number;
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** false: no client-side pacing and no ratelimit feedback. */
  pacing: boolean;
  buckets: TokenBuckets;
  retryPolicy: RetryPolicy;
  tokens: TokenSource;
  /** The pacing scope of a URL (a subscription or 'tenant'). */
  scopeOf: (url: URL) => string;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export function createSender(ctx: SenderContext): Send {
  const { logger, now, timeoutMs, dispatcher, pacing, buckets, retryPolicy, tokens, scopeOf } = ctx;

  async function attempt(call: Call, attemptNumber: number): Promise<Reply> {
    const subscription = scopeOf(call.url);
    // Acquire the bearer token before pacing (a slow first acquisition must not eat into the
    // schedule) and look again after it (a long wait may have crossed the refresh point).
    if (call.anonymous !== true) await tokens.getToken();
    const late = call.lastStartMs;
    if (late !== undefined && now() > late) throw deadlineReached(call, `attempt ${attemptNumber} could start`);
    if (pacing && (await buckets.tryTake(subscription, call.kind, late === undefined ? Number.POSITIVE_INFINITY : late - now())) === undefined) {
      throw deadlineReached(call, `attempt ${attemptNumber}'s turn in the subscription's pacing`);
    }
    const token = call.anonymous === true ? undefined : await tokens.getToken();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'linkgate', ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    const started = now();
    let status: number;
    let responseHeaders: Record<string, string | undefined>;
    let text: string;
    try {
      const response = await request(call.url, { dispatcher, method: call.method, headers, body: payload, signal: controller.signal });
      status = response.statusCode;
      responseHeaders = flattenHeaders(response.headers);
      text = await response.body.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw armErrorFromNetwork({
        method: call.method,
        path: call.url.pathname,
        cause: timedOut ? Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'Timeout' }) : error,
        secret: token ?? tokens.lastToken(),
      });
    } finally {
      clearTimeout(timer);
      if (pacing) buckets.settle(subscription, call.kind);
    }
    if (pacing && subscription !== 'tenant') {
      for (const kind of ['read', 'write'] as const) {
        const remaining = responseHeaders[`x-ms-ratelimit-remaining-subscription-${kind}s`];
        if (remaining !== undefined) buckets.observeRemaining(subscription, kind, Number(remaining));
      }
      // A 429 says ARM's bucket is empty, whatever ours believes.
      if (status === 429) buckets.observeRemaining(subscription, call.kind, 0);
    }
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = status >= 400 ? { error: { code: undefined, message: text.slice(0, 500) } } : undefined;
      }
    }
    logger.debug(
      { method: call.method, path: call.url.pathname, status, attempt: attemptNumber, ms: Math.round(now() - started), requestId: responseHeaders['x-ms-request-id'] },
      'arm request',
    );
    if (status >= 400 && !(call.accept ?? []).includes(status)) {
      throw armErrorFromResponse({ method: call.method, path: call.url.pathname, status, headers: responseHeaders, body, secret: token ?? tokens.lastToken(), nowMs: now() });
    }
    return { status, headers: responseHeaders, body };
  }

  return function send(call: Call): Promise<Reply> {
    return withRetry((n) => attempt(call, n), retryPolicy, ({ attempt: n, delayMs, error }) => {
      const e = error as Partial<ArmError>;
      logger.warn({ method: call.method, path: call.url.pathname, attempt: n, delayMs, httpStatus: e.httpStatus, code: e.code, requestId: e.requestId }, 'arm request retried');
    }, (error, delayMs) => (call.retryUnanswered !== false || !unanswered(error)) && (call.lastStartMs === undefined || now() + delayMs <= call.lastStartMs));
  };
}
