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
}

/** A wait longer than this is not what the header meant: cap it and let a 429 correct us. */
const MAX_RESET_MS = 5 * 60_000;
const RESETS_AFTER = /^(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.\d+)?$/u;

/** `hh:mm:ss` (optionally with fractions, as .NET TimeSpan prints) in milliseconds; undefined when malformed. */
export function parseResetsAfter(text: string | undefined): number | undefined {
  const match = text === undefined ? null : RESETS_AFTER.exec(text.trim());
  if (match === null) return undefined;
  const ms = ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000;
  return Math.min(ms, MAX_RESET_MS);
}

export function createGraphQuota(options: GraphQuotaOptions): GraphQuota {
  const { now, sleep } = options;
  // What the last answer said, counted down locally for queries sent since, so concurrent
  // queries (several scopes at once) do not all spend the last unit.
  let remaining: number | undefined;
  let resetsAt = 0;

  return {
    async beforeQuery() {
      for (;;) {
        if (remaining === undefined || remaining > 0) break;
        const wait = resetsAt - now();
        if (wait <= 0) {
          // A new window: its size is unknown until the next answer says it.
          remaining = undefined;
          break;
        }
        await sleep(wait);
      }
      if (remaining !== undefined) remaining--;
    },

    observe(headers) {
      const text = headers['x-ms-user-quota-remaining'];
      const resetMs = parseResetsAfter(headers['x-ms-user-quota-resets-after']);
      if (text === undefined || !/^\d{1,9}$/u.test(text.trim()) || resetMs === undefined) return;
      remaining = Number(text.trim());
      resetsAt = now() + resetMs;
    },
  };
}
