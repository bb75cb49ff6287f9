/** Per-subscription token buckets for reads and writes: a 429 with Retry-After when empty, x-ms-ratelimit-remaining headers always. */
import { armError, type Answer } from './arm-answer.js';

export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface BucketOptions {
  reads: BucketSpec;
  writes: BucketSpec;
}

/** ARM's documented per-subscription, per-principal limits (DESIGN §5). */
export const DEFAULT_BUCKETS: BucketOptions = { reads: { burst: 250, perSecond: 25 }, writes: { burst: 200, perSecond: 10 } };

export type BucketKind = keyof BucketOptions;

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.last = now;
  }

  take(now: number): { ok: boolean; remaining: number; retryAfterSeconds: number } {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.spec.burst, this.tokens + elapsed * this.spec.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens), retryAfterSeconds: 0 };
    }
    const wait = this.spec.perSecond > 0 ? (1 - this.tokens) / this.spec.perSecond : 60;
    return { ok: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }
}

/** Reads are GETs and Resource Graph queries; every other method spends a write, as ARM counts them. */
export function bucketKindOf(method: string, graph: boolean): BucketKind {
  return method === 'GET' || method === 'HEAD' || graph ? 'reads' : 'writes';
}

export interface BucketVerdict {
  /** Rate-limit headers for the answer, whether or not it was throttled. */
  headers: Record<string, string>;
  /** The 429 to send instead of dispatching, when the bucket is empty. */
  throttled?: Answer;
}

export class SubscriptionBuckets {
  private readonly spec: BucketOptions | undefined;
  private readonly buckets = new Map<string, TokenBucket>();

  /** `options` false turns throttling off; undefined means DEFAULT_BUCKETS. */
  constructor(
    options: BucketOptions | false | undefined,
    private readonly now: () => number,
  ) {
    this.spec = options === false ? undefined : (options ?? DEFAULT_BUCKETS);
  }

  take(subscription: string | undefined, kind: BucketKind): BucketVerdict {
    const headers: Record<string, string> = {};
    if (this.spec === undefined) return { headers };
    const bucketKey = `${subscription ?? 'tenant'}|${kind}`;
    let bucket = this.buckets.get(bucketKey);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.spec[kind], this.now());
      this.buckets.set(bucketKey, bucket);
    }
    const taken = bucket.take(this.now());
    headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(taken.remaining);
    if (taken.ok) return { headers };
    return {
      headers,
      throttled: armError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of '${kind === 'reads' ? 'read' : 'write'}' requests for subscription '${subscription ?? 'tenant'}' exceeded. Please try again after '${taken.retryAfterSeconds}' seconds.`,
        { ...headers, 'retry-after': String(taken.retryAfterSeconds) },
      ),
    };
  }
}

export interface GraphQuotaSpec {
  queries: number;
  windowSeconds: number;
}

/** Resource Graph's documented example quota: 15 queries per user in every 5-second window. */
export const DEFAULT_GRAPH_QUOTA: GraphQuotaSpec = { queries: 15, windowSeconds: 5 };

/** `hh:mm:ss`, rounded up to whole seconds as the header carries them. */
function resetsAfter(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/**
 * Resource Graph's per-user quota, separate from ARM's subscription buckets: a fixed window of
 * `queries`, reported on every answer in `x-ms-user-quota-remaining` and
 * `x-ms-user-quota-resets-after`, and a 429 once spent. One principal: the emulator has one token.
 */
export class GraphQuotaWindow {
  private windowStart: number | undefined;
  private used = 0;

  constructor(
    private readonly spec: GraphQuotaSpec | undefined,
    private readonly now: () => number,
  ) {}

  take(): BucketVerdict {
    if (this.spec === undefined) return { headers: {} };
    const now = this.now();
    const windowMs = this.spec.windowSeconds * 1000;
    if (this.windowStart === undefined || now >= this.windowStart + windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const resetMs = this.windowStart + windowMs - now;
    if (this.used < this.spec.queries) {
      this.used++;
      return { headers: { 'x-ms-user-quota-remaining': String(this.spec.queries - this.used), 'x-ms-user-quota-resets-after': resetsAfter(resetMs) } };
    }
    const headers = { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': resetsAfter(resetMs) };
    return {
      headers,
      throttled: armError(
        429,
        'RateLimiting',
        'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed.',
        { ...headers, 'retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))) },
      ),
    };
  }
}
