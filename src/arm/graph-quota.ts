/**
 * Resource Graph's own throttle, which ARM's subscription buckets do not cover: a quota of queries
 * per user and time window (15 per 5 s by default, "subject to change"), announced on every answer
 * as `x-ms-user-quota-remaining` (int) and `x-ms-user-quota-resets-after` (hh:mm:ss). A sweep over
 * many scopes or pages reads them and waits out the window once the quota is spent, instead of
 * collecting 429s.
 */

export interface GraphQuota {
  /** Waits, if the quota is known to be spent, until its window resets; then counts the query. */
  beforeQuery(): Promise<void>;
  /** Reads an answer's quota headers; absent or malformed ones leave what is known unchanged. */
  observe(headers: Record<string, string | undefined>): void;
}

export interface GraphQuotaOptions {
  /** Monotonic clock in milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * The longest wait worth making (the client's cap on Retry-After, 60 s). A reset further off is
   * not slept through: the query goes, and a 429 is handled as any other.
   */
  maxWaitMs: number;
}

const RESETS_AFTER = /^(\d{1,2}):([0-5]\d):([0-5]\d)(\.\d+)?$/u;

/** `hh:mm:ss` (with fractions, as .NET TimeSpan prints, rounded up) in milliseconds; undefined when malformed. */
export function parseResetsAfter(text: string | undefined): number | undefined {
  const match = text === undefined ? null : RESETS_AFTER.exec(text.trim());
  if (match === null) return undefined;
  const seconds = (Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]) + (match[4] === undefined ? 0 : Number(match[4]));
  return Math.ceil(seconds * 1000);
}

export function createGraphQuota(options: GraphQuotaOptions): GraphQuota {
  const { now, sleep, maxWaitMs } = options;
  // What the last answer said, counted down locally for queries sent since, so concurrent
  // queries (several scopes at once) do not all spend the last unit.
  let remaining: number | undefined;
  let resetsAt = 0;

  return {
    async beforeQuery() {
      for (;;) {
        if (remaining === undefined || remaining > 0) break;
        const wait = resetsAt - now();
        if (wait <= 0 || wait > maxWaitMs) {
          // A new window (or one too far off to wait for): its size is unknown until an answer says it.
          remaining = undefined;
          break;
        }
        await sleep(wait);
      }
      if (remaining !== undefined) remaining--;
    },

    observe(headers) {
      const text = headers['x-ms-user-quota-remaining']?.trim();
      const resetMs = parseResetsAfter(headers['x-ms-user-quota-resets-after']);
      if (text === undefined || !/^\d{1,9}$/u.test(text) || resetMs === undefined) return;
      const reported = Number(text);
      const reportedResetsAt = now() + resetMs;
      // Within the window already known, an answer can only lower the count: it does not know of
      // queries sent after it. A reset later than the known one (by over a second of header
      // rounding) is a new window, whose count replaces the old.
      const sameWindow = remaining !== undefined && reportedResetsAt <= resetsAt + 1_000;
      remaining = sameWindow ? Math.min(remaining as number, reported) : reported;
      resetsAt = sameWindow ? Math.min(resetsAt, reportedResetsAt) : reportedResetsAt;
    },
  };
}
