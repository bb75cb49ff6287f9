/**
 * The ARM client's limits and their defaults, in one place: the client runs by them, and the audit
 * lease (src/pipeline/write-lease.ts) is derived from them, so the lease can never silently fall
 * behind what the client may still be doing.
 */
import { DEFAULT_RETRY_POLICY } from './retry.js';

export interface ArmClientLimits {
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Attempts per request including the first. */
  maxAttempts: number;
  /** Backoff cap between attempts. */
  maxDelayMs: number;
  /** A longer Retry-After is not waited out: the request fails (retry.ts). */
  maxRetryAfterMs: number;
  /** Wait between polls of a long-running operation when the server gives no Retry-After. */
  pollIntervalMs: number;
  /** Polls of a write (its operation, then the connection until it settles) before it is reported in progress. */
  maxPolls: number;
  /**
   * Total time one write may take, from its first request to its last answer: the request with its
   * retries and pacing, every poll, the reads that confirm it. Reaching it reports the write in
   * progress (revisited later), never failed.
   */
  writeDeadlineMs: number;
}

export const DEFAULT_ARM_CLIENT_LIMITS: Readonly<ArmClientLimits> = Object.freeze({
  timeoutMs: 30_000,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
  maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs,
  maxRetryAfterMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  pollIntervalMs: 2_000,
  // 120 polls at 2 s: the time Azure usually needs to carry out a connection's approval, polling included.
  maxPolls: 120,
  writeDeadlineMs: 240_000,
});

/** The client's limits with the defaults filled in; refuses limits that could never send a request. */
export function resolveClientLimits(given: Partial<ArmClientLimits> = {}): ArmClientLimits {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<ArmClientLimits>;
  const limits = { ...DEFAULT_ARM_CLIENT_LIMITS, ...defined };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`ARM client limit ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  if (limits.maxAttempts < 1) throw new RangeError(`ARM client limit maxAttempts must be at least 1, got ${limits.maxAttempts}`);
  if (limits.writeDeadlineMs < limits.timeoutMs) {
    throw new RangeError(`ARM client limit writeDeadlineMs (${limits.writeDeadlineMs} ms) must be at least one request's timeout (${limits.timeoutMs} ms)`);
  }
  return limits;
}

/** What bounds a write's duration; `writeDeadlineMs` absent: only the retries and polls do. */
export interface WriteLimits {
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** The longest wait between attempts or polls the client honours (its backoff cap or Retry-After cap, whichever is larger). */
  maxRetryDelayMs: number;
  /** Polls of a long-running operation, and the wait between them when the server names none. */
  maxPolls: number;
  pollIntervalMs: number;
  /** The client's total deadline for one write. */
  writeDeadlineMs?: number;
}

export function writeLimitsOf(limits: ArmClientLimits): WriteLimits {
  return {
    timeoutMs: limits.timeoutMs,
    maxAttempts: limits.maxAttempts,
    maxRetryDelayMs: Math.max(limits.maxDelayMs, limits.maxRetryAfterMs),
    maxPolls: limits.maxPolls,
    pollIntervalMs: limits.pollIntervalMs,
    writeDeadlineMs: limits.writeDeadlineMs,
  };
}

/**
 * The longest one write can take, from its first request to its last answer: the smaller of the
 * client's deadline and what its requests add up to. A request is all its attempts at their full
 * timeout with the longest wait between them; a write is its request, every poll (each after the
 * longest wait), and two more requests (the operation's result behind `Location`, and the read
 * that confirms the connection). The client enforces this figure as its deadline, so waits it
 * cannot count (pacing, a token refresh, AOSM's confirming listing) are cut off by it too.
 */
export function writeWorstCaseMs(limits: WriteLimits): number {
  const request = limits.maxAttempts * limits.timeoutMs + (limits.maxAttempts - 1) * limits.maxRetryDelayMs;
  const pollWait = Math.max(limits.pollIntervalMs, limits.maxRetryDelayMs);
  const counted = request + limits.maxPolls * (pollWait + request) + 2 * request;
  return Math.min(counted, limits.writeDeadlineMs ?? Number.POSITIVE_INFINITY);
}
