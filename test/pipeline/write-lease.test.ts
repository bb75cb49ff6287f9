import { describe, expect, it } from 'vitest';
import { writeLeaseMs } from '../../src/pipeline/write-lease.js';

describe('writeLeaseMs', () => {
  it('covers the write, every poll and the re-read with all their retries, and the straggler window', () => {
    // request: 2 × 100 + 1 × 10 = 210; polls: 3 × (5 + 210) = 645; re-read 210; straggler 50.
    expect(writeLeaseMs({ timeoutMs: 100, maxAttempts: 2, maxRetryDelayMs: 10, maxPolls: 3, pollIntervalMs: 5, stragglerMs: 50 })).toBe(210 + 645 + 210 + 50);
  });

  it('grows with every limit', () => {
    const base = { timeoutMs: 100, maxAttempts: 2, maxRetryDelayMs: 10, maxPolls: 3, pollIntervalMs: 5, stragglerMs: 50 };
    for (const key of Object.keys(base) as (keyof typeof base)[]) {
      expect(writeLeaseMs({ ...base, [key]: base[key] + 1 }), key).toBeGreaterThan(writeLeaseMs(base));
    }
  });
});
