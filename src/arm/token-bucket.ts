/**
 * Client-side token buckets, one pair (reads, writes) per subscription, mirroring the buckets ARM
 * keeps per subscription and principal, so that a burst of approvals paces itself instead of
 * collecting 429s. Reservation model (as Go's rate.Limiter): a caller takes a token at once and is
 * told how long to wait, so concurrent callers are spaced out fairly without a queue or a timer.
 * The clock and sleep are injected: tests and benchmarks run without wall time.
 */

export interface BucketLimits {
  /** Capacity: how many requests may go at once after a quiet period. */
  burst: number;
  /** Refill rate in tokens per second. */
  perSecond: number;
}

export type RequestKind = 'read' | 'write';

/** ARM's documented defaults per subscription and principal. */
export const DEFAULT_LIMITS: Readonly<Record<RequestKind, BucketLimits>> = Object.freeze({
  read: Object.freeze({ burst: 250, perSecond: 25 }),
  write: Object.freeze({ burst: 200, perSecond: 10 }),
});

export interface TokenBucketsOptions {
  reads?: Partial<BucketLimits>;
  writes?: Partial<BucketLimits>;
  /** Milliseconds, monotonic enough for pacing. Default `performance.now()`. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * When ARM says fewer requests than this remain (`x-ms-ratelimit-remaining-subscription-*`),
   * the local bucket is cut down to ARM's figure so pacing starts early. Default 10% of the burst.
   */
  lowWatermark?: Partial<Record<RequestKind, number>>;
  /**
   * How much later than ours ARM's clock may run for the same request (network latency, and its
   * variation), in ms. Two places need it. (1) When a full bucket is drawn from, refill starts
   * this much later: ARM's bucket is full too and only starts refilling when our first request
   * arrives, and the first requests of a burst (connection set-up) arrive last. (2) When ARM
   * reports a low budget, the bucket is cut to ARM's figure less this much refill, because near an
   * empty bucket two requests sent 1/rate apart but arriving closer together would meet a 429.
   * Default 100 ms.
   */
  jitterMs?: number;
  /** Upper bound on buckets kept (one per subscription and kind); the oldest are dropped. */
  maxBuckets?: number;
}

interface Bucket {
  /** May go negative: that is the debt queued callers are waiting out. */
  tokens: number;
  updatedAt: number;
  /** Tokens taken whose request has not been answered yet (sleeping or on the wire). */
  pending: number;
  /** Tokens removed so far by `observeRemaining`; sleepers compare it to push their wake-up back. */
  cut: number;
}

export interface TokenBuckets {
  /**
   * Takes one token for `subscription` (or any scope key) and waits if the bucket is empty.
   * Resolves with the ms waited. Call `settle` once the request is answered or has failed.
   */
  take(scope: string, kind: RequestKind): Promise<number>;
  /**
   * As `take`, but takes nothing and resolves undefined when the wait would exceed `maxWaitMs`
   * (Go's rate.Limiter reserve with a maximum future reservation); a later cut that would push the
   * wake-up past it ends the wait there instead (the request then goes a little early, as after any
   * cut that comes once it was sent).
   */
  tryTake(scope: string, kind: RequestKind, maxWaitMs: number): Promise<number | undefined>;
  /** The request that took a token is over (answered or failed). */
  settle(scope: string, kind: RequestKind): void;
  /**
   * Feeds back ARM's remaining-budget header (read after `settle`). ARM's figure already counts
   * the answered requests but not those still pending here, so the budget left for new requests
   * is `remaining - pending` (less a jitter headroom); when that is below what the local bucket
   * believes, the bucket is cut down to it and sleepers push their wake-up back by the cut. Only a low figure is acted on (below the watermark), which is where the
   * difference matters: a bucket shared with other clients of the same principal, or a server
   * whose refill started later than ours because the first requests took longest to arrive.
   */
  observeRemaining(scope: string, kind: RequestKind, remaining: number): void;
  /** Tokens currently available (negative: owed). For tests and diagnostics. */
  available(scope: string, kind: RequestKind): number;
  readonly limits: Readonly<Record<RequestKind, BucketLimits>>;
}

function validLimits(kind: RequestKind, given: Partial<BucketLimits> | undefined): BucketLimits {
  const limits = { ...DEFAULT_LIMITS[kind], ...given };
  if (!(limits.burst >= 1) || !(limits.perSecond > 0) || !Number.isFinite(limits.perSecond)) {
    throw new RangeError(`${kind} bucket needs burst >= 1 and a finite perSecond > 0, got ${JSON.stringify(limits)}`);
  }
  return limits;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createTokenBuckets(options: TokenBucketsOptions = {}): TokenBuckets {
  const limits: Record<RequestKind, BucketLimits> = {
    read: validLimits('read', options.reads),
    write: validLimits('write', options.writes),
  };
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const lowWatermark: Record<RequestKind, number> = {
    read: options.lowWatermark?.read ?? Math.ceil(limits.read.burst * 0.1),
    write: options.lowWatermark?.write ?? Math.ceil(limits.write.burst * 0.1),
  };
  const maxBuckets = options.maxBuckets ?? 10_000;
  const jitterMs = Math.max(0, options.jitterMs ?? 100);
  const headroom: Record<RequestKind, number> = {
    read: (limits.read.perSecond * jitterMs) / 1000,
    write: (limits.write.perSecond * jitterMs) / 1000,
  };
  const buckets = new Map<string, Bucket>();

  const bucketOf = (scope: string, kind: RequestKind): Bucket => {
    const key = `${kind}:${scope.toLowerCase()}`;
    let bucket = buckets.get(key);
    const t = now();
    if (bucket === undefined) {
      if (buckets.size >= maxBuckets) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      bucket = { tokens: limits[kind].burst, updatedAt: t, pending: 0, cut: 0 };
      buckets.set(key, bucket);
      return bucket;
    }
    // updatedAt may lie in the future (refill deferred after a full bucket was drawn from).
    if (t > bucket.updatedAt) {
      bucket.tokens = Math.min(limits[kind].burst, bucket.tokens + ((t - bucket.updatedAt) / 1000) * limits[kind].perSecond);
      bucket.updatedAt = t;
    }
    return bucket;
  };

  async function tryTake(scope: string, kind: RequestKind, maxWaitMs: number): Promise<number | undefined> {
    const bucket = bucketOf(scope, kind);
    const t = now();
    const perMs = limits[kind].perSecond / 1000;
    const full = bucket.tokens >= limits[kind].burst;
    const deferredUntil = full ? Math.max(bucket.updatedAt, t + jitterMs) : bucket.updatedAt;
    const tokensAfter = bucket.tokens - 1;
    let waitMs = tokensAfter >= 0 ? 0 : Math.max(0, deferredUntil - t) + Math.ceil(-tokensAfter / perMs);
    if (waitMs > maxWaitMs) return undefined;
    bucket.updatedAt = deferredUntil;
    bucket.tokens = tokensAfter;
    bucket.pending += 1;
    let waited = 0;
    let cutSeen = bucket.cut;
    // A cut while we slept moves the whole queue back by that many tokens; bounded, as cuts are.
    for (let round = 0; round < 1000 && waitMs > 0; round++) {
      waitMs = Math.min(waitMs, maxWaitMs - waited);
      if (waitMs <= 0) break;
      await sleep(waitMs);
      waited += waitMs;
      waitMs = Math.ceil((bucket.cut - cutSeen) / perMs);
      cutSeen = bucket.cut;
    }
    return waited;
  }

  return {
    limits,
    take: async (scope, kind) => (await tryTake(scope, kind, Number.POSITIVE_INFINITY)) ?? 0,
    tryTake,
    settle(scope, kind) {
      const bucket = bucketOf(scope, kind);
      bucket.pending = Math.max(0, bucket.pending - 1);
    },
    observeRemaining(scope, kind, remaining) {
      if (!Number.isFinite(remaining) || remaining < 0) return;
      if (remaining >= lowWatermark[kind]) return;
      const bucket = bucketOf(scope, kind);
      const left = remaining - bucket.pending - headroom[kind];
      if (bucket.tokens > left) {
        bucket.cut += bucket.tokens - left;
        bucket.tokens = left;
      }
    },
    available(scope, kind) {
      return bucketOf(scope, kind).tokens;
    },
  };
}
