import { describe, expect, it } from 'vitest';
import { InvalidSinceError, parseSince } from '../../src/cli/parse-since.js';

const NOW = new Date('2024-05-10T12:00:00.000Z');

describe('parseSince', () => {
  it('reads durations back from now', () => {
    expect(parseSince('15m', NOW).toISOString()).toBe('2024-05-10T11:45:00.000Z');
    expect(parseSince('24h', NOW).toISOString()).toBe('2024-05-09T12:00:00.000Z');
    expect(parseSince('7d', NOW).toISOString()).toBe('2024-05-03T12:00:00.000Z');
    expect(parseSince('2w', NOW).toISOString()).toBe('2024-04-26T12:00:00.000Z');
    expect(parseSince('30s', NOW).toISOString()).toBe('2024-05-10T11:59:30.000Z');
    expect(parseSince(' 3H ', NOW).toISOString()).toBe('2024-05-10T09:00:00.000Z');
  });

  it('reads ISO dates, as UTC unless an offset is given', () => {
    expect(parseSince('2024-05-01', NOW).toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseSince('2024-05-01T10:30', NOW).toISOString()).toBe('2024-05-01T10:30:00.000Z');
    expect(parseSince('2024-05-01T10:30:15Z', NOW).toISOString()).toBe('2024-05-01T10:30:15.000Z');
    expect(parseSince('2024-05-01T10:30:15.250+02:00', NOW).toISOString()).toBe('2024-05-01T08:30:15.250Z');
  });

  it('rejects junk with a clear message and a hint', () => {
    for (const bad of ['', 'yesterday', '15', 'm15', '15 minutes', '-5m', '2024-02-30', '2024-13-01', '2024-05-01T25:00', '9999999999999d']) {
      let error: unknown;
      try {
        parseSince(bad, NOW);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(InvalidSinceError);
      expect((error as InvalidSinceError).message).toContain('--since');
      expect((error as InvalidSinceError).hint).toMatch(/15m/u);
      expect((error as InvalidSinceError).exitCode).toBe(2);
    }
  });
});
