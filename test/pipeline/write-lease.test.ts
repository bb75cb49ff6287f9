import { describe, expect, it } from 'vitest';
import { DEFAULT_ARM_CLIENT_LIMITS, resolveClientLimits, writeLimitsOf, writeWorstCaseMs } from '../../src/arm/client-limits.js';
import { ARM_PROXY_TIMEOUT_MS, defaultLeaseSeconds, LEASE_MARGIN_MS, minimumLeaseMs, writeLeaseMs } from '../../src/pipeline/write-lease.js';

const SMALL = { timeoutMs: 100, maxAttempts: 2, maxRetryDelayMs: 10, maxPolls: 3, pollIntervalMs: 5 };

describe('writeWorstCaseMs', () => {
  it('adds up the write request, every poll after its longest wait, and the two confirming reads, each with all its retries', () => {
    // request: 2 × 100 + 1 × 10 = 210; polls: 3 × (max(5, 10) + 210) = 660; two reads: 420.
    expect(writeWorstCaseMs(SMALL)).toBe(210 + 660 + 420);
    // A poll interval longer than the retry cap is the longest wait between polls.
    expect(writeWorstCaseMs({ ...SMALL, pollIntervalMs: 50 })).toBe(210 + 3 * (50 + 210) + 420);
  });

  it('is the deadline when the deadline comes first, and the sum when it does not', () => {
    expect(writeWorstCaseMs({ ...SMALL, writeDeadlineMs: 500 })).toBe(500);
    expect(writeWorstCaseMs({ ...SMALL, writeDeadlineMs: 10_000 })).toBe(1290);
  });

  it('grows with every limit that lengthens a write', () => {
    const base = { ...SMALL, pollIntervalMs: 20 };
    for (const key of Object.keys(base) as (keyof typeof base)[]) {
      expect(writeWorstCaseMs({ ...base, [key]: base[key] + 1 }), key).toBeGreaterThan(writeWorstCaseMs(base));
    }
  });

  it("with the client's defaults is the 240 s deadline, since 120 polls at their retries' worst would take hours", () => {
    const defaults = writeLimitsOf(resolveClientLimits());
    expect(writeWorstCaseMs({ ...defaults, writeDeadlineMs: undefined })).toBeGreaterThan(3_600_000);
    expect(writeWorstCaseMs(defaults)).toBe(DEFAULT_ARM_CLIENT_LIMITS.writeDeadlineMs);
  });
});

describe('writeLeaseMs and the runtime lease', () => {
  it('is the worst case plus the window in which an abandoned request may still land', () => {
    expect(writeLeaseMs({ ...SMALL, stragglerMs: 50 })).toBe(1290 + 50);
  });

  it("follows the client's limits: minimum = worst case + ARM's 60 s proxy timeout, default = minimum + margin, in whole seconds", () => {
    expect(minimumLeaseMs()).toBe(240_000 + ARM_PROXY_TIMEOUT_MS);
    expect(defaultLeaseSeconds()).toBe((240_000 + ARM_PROXY_TIMEOUT_MS + LEASE_MARGIN_MS) / 1000);
    expect(minimumLeaseMs({ writeDeadlineMs: 90_000 })).toBe(150_000);
    // Small limits whose sum comes before the deadline give a lease from the sum.
    const small = { timeoutMs: 1_000, maxAttempts: 2, maxDelayMs: 500, maxRetryAfterMs: 500, maxPolls: 1, pollIntervalMs: 100 };
    expect(minimumLeaseMs(small)).toBe(2_500 + (500 + 2_500) + 2 * 2_500 + ARM_PROXY_TIMEOUT_MS);
  });

  it('refuses client limits under which no request could ever be sent', () => {
    expect(() => resolveClientLimits({ timeoutMs: 30_000, writeDeadlineMs: 10_000 })).toThrow(/writeDeadlineMs \(10000 ms\) must be at least one request's timeout \(30000 ms\)/u);
    expect(() => resolveClientLimits({ maxAttempts: 0 })).toThrow(/maxAttempts/u);
  });
});
