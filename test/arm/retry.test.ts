import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, retryDelayMs, withRetry, type RetryPolicy } from '../../src/arm/retry.js';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ...DEFAULT_RETRY_POLICY,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    sleeps,
    ...overrides,
  };
}

const transient = (retryAfterMs?: number) => Object.assign(new Error('busy'), { transient: true, retryAfterMs });
const permanent = () => Object.assign(new Error('no'), { transient: false, httpStatus: 400 });

describe('retry', () => {
  it('draws full jitter between 0 and the exponential ceiling, capped', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, { ...p, random: () => 0.999 })).toBe(99);
    expect(backoffDelayMs(3, { ...p, random: () => 0.5 })).toBe(400);
    expect(backoffDelayMs(10, { ...p, random: () => 0.5 })).toBe(500);
    expect(backoffDelayMs(10, { ...p, random: () => 0 })).toBe(0);
  });

  it('waits exactly Retry-After when the server gives one', () => {
    expect(retryDelayMs(transient(7000), 0, policy())).toBe(7000);
  });

  it('does not hold a worker for a Retry-After beyond the cap', () => {
    expect(retryDelayMs(transient(10 * 60_000), 0, policy())).toBeUndefined();
  });

  it('retries transient failures and returns the success', async () => {
    const p = policy();
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw transient();
      return 'ok';
    }, p);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(p.sleeps).toEqual([250, 500]);
  });

  it('never retries a permanent failure', async () => {
    const p = policy();
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw permanent();
      }, p),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
    expect(p.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const p = policy({ maxAttempts: 3 });
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw transient();
      }, p),
    ).rejects.toThrow('busy');
    expect(calls).toBe(3);
    expect(p.sleeps).toHaveLength(2);
  });
});
