/**
 * Bounded retries with exponential backoff and full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter": sleep = random(0, min(cap, base * 2^attempt))), honouring Retry-After.
 * Only failures marked transient are retried (429, 408, 5xx, resets, timeouts); any other 4xx,
 * including 412, is the caller's to handle. random and sleep are injected so tests need no wall time.
 */

export interface RetryPolicy {
  /** Total attempts including the first; at least 1. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A Retry-After longer than this is not waited out here: the error is thrown so the invocation
   * fails and Event Grid (or the next sweep) retries much later, instead of holding a worker.
   */
  maxRetryAfterMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: Readonly<Omit<RetryPolicy, 'random' | 'sleep'>> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/** What the retry loop needs to know of a failure; ArmError satisfies it. */
export interface RetryableFailure {
  transient?: boolean;
  retryAfterMs?: number | undefined;
}

/** Full-jitter backoff for a zero-based retry number. */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  return Math.floor(policy.random() * ceiling);
}

/** The delay before the next attempt, or undefined when the failure must not be retried. */
export function retryDelayMs(error: unknown, retry: number, policy: RetryPolicy): number | undefined {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as RetryableFailure;
  if (failure.transient !== true) return undefined;
  if (typeof failure.retryAfterMs === 'number' && failure.retryAfterMs >= 0) {
    if (failure.retryAfterMs > policy.maxRetryAfterMs) return undefined;
    // Retry-After is the server's floor; no jitter below it.
    return failure.retryAfterMs;
  }
  return backoffDelayMs(retry, policy);
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * Runs `operation` until it succeeds, fails permanently, or `maxAttempts` is reached; the last
 * error is rethrown unchanged. `operation` receives the one-based attempt number.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (event: RetryEvent) => void,
  /** A caller's veto for a failure that would otherwise be retried after `delayMs`. */
  mayRetry: (error: unknown, delayMs: number) => boolean = () => true,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts) throw error;
      const delayMs = retryDelayMs(error, attempt - 1, policy);
      if (delayMs === undefined || !mayRetry(error, delayMs)) throw error;
      onRetry?.({ attempt, delayMs, error });
      await policy.sleep(delayMs);
    }
  }
}
