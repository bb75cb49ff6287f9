/**
 * How long a claim must be held before anyone may take it over: the longest a write can still be
 * on its way, derived from the ARM client's own limits instead of a guessed constant. Until then a
 * claim's writer may still be sending, retrying or polling its write, and for the many types whose
 * connections carry no etag nothing else would stop a second write.
 */
export interface WriteLimits {
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** The longest wait between attempts the client honours (its backoff cap or Retry-After cap, whichever is larger). */
  maxRetryDelayMs: number;
  /** Polls of a long-running operation, and the wait between them. */
  maxPolls: number;
  pollIntervalMs: number;
  /**
   * How long ARM may still apply a request after the client stopped waiting for it (a request in
   * flight when the client timed out); ARM's own gateway timeout bounds it.
   */
  stragglerMs: number;
}

/** The write request, every poll and the re-read, each with all its retries, plus the straggler window. */
export function writeLeaseMs(limits: WriteLimits): number {
  const request = limits.maxAttempts * limits.timeoutMs + (limits.maxAttempts - 1) * limits.maxRetryDelayMs;
  const polls = limits.maxPolls * (limits.pollIntervalMs + request);
  return request + polls + request + limits.stragglerMs;
}
