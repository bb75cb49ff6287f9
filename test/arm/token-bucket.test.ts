import { describe, expect, it } from 'vitest';
import { createTokenBuckets, DEFAULT_LIMITS } from '../../src/arm/token-bucket.js';
import { steppingClock } from '../support/virtual-clock.js';

/** A clock that only moves when someone sleeps: pacing without wall time. */
const fakeTime = () => steppingClock(1_000_000);

const SUB_A = '11111111-1111-1111-1111-111111111111';
const SUB_B = '22222222-2222-2222-2222-222222222222';

describe('token buckets', () => {
  it("uses ARM's documented defaults", () => {
    expect(DEFAULT_LIMITS.read).toEqual({ burst: 250, perSecond: 25 });
    expect(DEFAULT_LIMITS.write).toEqual({ burst: 200, perSecond: 10 });
  });

  it('lets 250 reads go at once and paces the next 50 at 25 per second', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ now: time.now, sleep: time.sleep, jitterMs: 0 });
    const waits: number[] = [];
    for (let i = 0; i < 300; i++) waits.push(await buckets.take(SUB_A, 'read'));
    expect(waits.slice(0, 250).every((w) => w === 0)).toBe(true);
    expect(waits.slice(250)).toEqual(Array.from({ length: 50 }, () => 40));
    expect(time.sleeps).toHaveLength(50);
  });

  it('spaces concurrent callers instead of letting them all through after the burst', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ writes: { burst: 2, perSecond: 10 }, jitterMs: 0, now: time.now, sleep: async (ms) => void time.sleeps.push(ms) });
    const waits = await Promise.all(Array.from({ length: 5 }, () => buckets.take(SUB_A, 'write')));
    expect(waits).toEqual([0, 0, 100, 200, 300]);
  });

  it('starts refilling a drained full bucket only after the latency allowance', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ reads: { burst: 250, perSecond: 25 }, jitterMs: 100, now: time.now, sleep: time.sleep });
    const waits: number[] = [];
    for (let i = 0; i < 252; i++) waits.push(await buckets.take(SUB_A, 'read'));
    expect(waits.slice(0, 250).every((w) => w === 0)).toBe(true);
    expect(waits.slice(250)).toEqual([140, 40]);
  });

  it('pushes sleepers back when ARM reports less than the bucket believes', async () => {
    const time = fakeTime();
    const wakeups: (() => void)[] = [];
    const buckets = createTokenBuckets({
      writes: { burst: 1, perSecond: 10 },
      jitterMs: 0,
      now: time.now,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          time.sleeps.push(ms);
          wakeups.push(() => {
            time.advance(ms);
            resolve();
          });
        }),
    });
    expect(await buckets.take(SUB_A, 'write')).toBe(0);
    const second = buckets.take(SUB_A, 'write');
    expect(time.sleeps).toEqual([100]);
    // Both requests still pending here, ARM already at 0: the budget for new requests is -2, not -1.
    buckets.observeRemaining(SUB_A, 'write', 0);
    expect(buckets.available(SUB_A, 'write')).toBe(-2);
    for (let i = 0; i < 10 && wakeups.length > 0; i++) {
      wakeups.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(time.sleeps).toEqual([100, 100]);
    expect(await second).toBe(200);
  });

  it('keeps reads, writes and subscriptions apart', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ reads: { burst: 1, perSecond: 1 }, writes: { burst: 1, perSecond: 1 }, jitterMs: 0, now: time.now, sleep: time.sleep });
    expect(await buckets.take(SUB_A, 'read')).toBe(0);
    expect(await buckets.take(SUB_A, 'write')).toBe(0);
    expect(await buckets.take(SUB_B, 'read')).toBe(0);
    expect(await buckets.take(SUB_A.toUpperCase(), 'read')).toBe(1000);
  });

  it('refills with time up to the burst, not beyond', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ writes: { burst: 3, perSecond: 10 }, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 3; i++) await buckets.take(SUB_A, 'write');
    time.advance(60_000);
    expect(buckets.available(SUB_A, 'write')).toBe(3);
  });

  it('slows down when ARM reports a low remaining budget, and ignores a comfortable one', async () => {
    const time = fakeTime();
    const buckets = createTokenBuckets({ now: time.now, sleep: time.sleep, jitterMs: 0 });
    buckets.observeRemaining(SUB_A, 'write', 150);
    expect(buckets.available(SUB_A, 'write')).toBe(200);
    buckets.observeRemaining(SUB_A, 'write', 0);
    expect(await buckets.take(SUB_A, 'write')).toBe(100);
  });

  it('refuses nonsense limits', () => {
    expect(() => createTokenBuckets({ reads: { burst: 0 } })).toThrow(RangeError);
    expect(() => createTokenBuckets({ writes: { perSecond: 0 } })).toThrow(RangeError);
  });
});
