/**
 * The subscription index keys a GUID by a few of its characters: GUIDs made in sequence share a
 * key, and must still be found by text, never by a walk as long as the list.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_APPROVED, DENIED, flagsFor, SubscriptionIndex } from '../../src/policy/subscription-index.js';

const sequential = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('SubscriptionIndex', () => {
  it('finds 10,000 GUIDs that share their first characters, comparing at most 8 entries one by one', () => {
    const index = new SubscriptionIndex();
    for (let i = 0; i < 10_000; i++) index.add(sequential(i), i % 3, AUTO_APPROVED);
    for (let i = 0; i < 10_000; i += 7) index.add(sequential(i), i % 3, DENIED);
    expect(index.longestChain).toBeLessThanOrEqual(8);
    for (let i = 0; i < 10_000; i++) {
      const entry = index.find(sequential(i));
      expect(entry?.subscription).toBe(sequential(i));
      expect(flagsFor(entry, i % 3)).toBe(i % 7 === 0 ? AUTO_APPROVED | DENIED : AUTO_APPROVED);
      expect(flagsFor(entry, (i + 1) % 3)).toBe(0);
    }
    expect(index.find(sequential(10_000))).toBeUndefined();
    expect(index.find('00000000-0000-4000-8000-00000000000x')).toBeUndefined();
  });

  it('keeps a few GUIDs of one key in a chain, each found', () => {
    const index = new SubscriptionIndex();
    for (let i = 0; i < 5; i++) index.add(sequential(i), 0, AUTO_APPROVED);
    expect(index.longestChain).toBe(5);
    for (let i = 0; i < 5; i++) expect(index.find(sequential(i))?.subscription).toBe(sequential(i));
  });
});
