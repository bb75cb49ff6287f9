import { describe, expect, it } from 'vitest';
import { createGraphQuota, parseResetsAfter } from '../../src/arm/graph-quota.js';
import { steppingClock } from '../support/virtual-clock.js';

describe('parseResetsAfter', () => {
  it.each([
    ['00:00:05', 5_000],
    ['00:01:00', 60_000],
    [' 00:00:03 ', 3_000],
    ['00:00:02.5000000', 2_500],
    ['00:00:02.0004', 2_001],
    ['00:00:00', 0],
    ['01:00:00', 3_600_000],
  ])('%j → %i ms (fractions rounded up)', (text, ms) => {
    expect(parseResetsAfter(text)).toBe(ms);
  });

  it.each([undefined, '', '5', '00:00', '00:60:00', '-00:00:05', 'soon', '00:00:05; drop table'])('%j is not a reset time', (text) => {
    expect(parseResetsAfter(text)).toBeUndefined();
  });
});

describe('createGraphQuota', () => {
  it('sends at once while the quota is unknown or left', async () => {
    const clock = steppingClock();
    const quota = createGraphQuota({ ...clock, maxWaitMs: 60_000 });
    await quota.beforeQuery();
    quota.observe({ 'x-ms-user-quota-remaining': '2', 'x-ms-user-quota-resets-after': '00:00:05' });
    await quota.beforeQuery();
    await quota.beforeQuery();
    expect(clock.sleeps).toEqual([]);
  });

  it('counts queries sent since the last answer, then waits for the reset', async () => {
    const clock = steppingClock();
    const quota = createGraphQuota({ ...clock, maxWaitMs: 60_000 });
    quota.observe({ 'x-ms-user-quota-remaining': '2', 'x-ms-user-quota-resets-after': '00:00:04' });
    // Three queries at once: two fit, the third waits out the window.
    await Promise.all([quota.beforeQuery(), quota.beforeQuery(), quota.beforeQuery()]);
    expect(clock.sleeps).toEqual([4_000]);
  });

  it('does not sleep through a reset further off than the client would wait (a 429 is handled as any other)', async () => {
    const clock = steppingClock();
    const quota = createGraphQuota({ ...clock, maxWaitMs: 60_000 });
    quota.observe({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:05:00' });
    await quota.beforeQuery();
    expect(clock.sleeps).toEqual([]);
  });

  it('within a window an answer only lowers the count: it cannot know of queries sent after it', async () => {
    const clock = steppingClock();
    const quota = createGraphQuota({ ...clock, maxWaitMs: 60_000 });
    quota.observe({ 'x-ms-user-quota-remaining': '2', 'x-ms-user-quota-resets-after': '00:00:05' });
    await quota.beforeQuery();
    await quota.beforeQuery();
    // A late answer to the first query still says 1 left; the two sent since have spent it.
    quota.observe({ 'x-ms-user-quota-remaining': '1', 'x-ms-user-quota-resets-after': '00:00:05' });
    await quota.beforeQuery();
    expect(clock.sleeps).toEqual([5_000]);
    // The next window's answer replaces the count.
    quota.observe({ 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': '00:00:05' });
    await quota.beforeQuery();
    expect(clock.sleeps).toEqual([5_000]);
  });

  it('ignores absent or malformed headers rather than guessing', async () => {
    const clock = steppingClock();
    const quota = createGraphQuota({ ...clock, maxWaitMs: 60_000 });
    for (const headers of [{}, { 'x-ms-user-quota-remaining': '0' }, { 'x-ms-user-quota-remaining': 'NaN', 'x-ms-user-quota-resets-after': '00:00:05' }, { 'x-ms-user-quota-remaining': '-1', 'x-ms-user-quota-resets-after': '00:00:05' }, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': 'later' }]) {
      quota.observe(headers);
      await quota.beforeQuery();
    }
    expect(clock.sleeps).toEqual([]);
  });
});
