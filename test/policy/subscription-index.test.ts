/**
 * The subscription index is an open-addressing table keyed by a GUID's four 32-bit words: every
 * held GUID is found however the GUIDs were made (in sequence too) and however their slots
 * collide, a GUID not held is answered -1 even when it passes the presence filter and starts its
 * probe inside a run of full slots, and each policy's flags come back as they were added.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GUID_WORDS, readGuid } from '../../src/ids/leading-subscription.js';
import { AUTO_APPROVED, DENIED, indexSubscriptions, mix, SubscriptionIndex, VISIBLE } from '../../src/policy/subscription-index.js';

const sequential = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
/** The GUID text of four words. */
const guidOf = (w: readonly number[]) => {
  const h = w.map(hex).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const wordsOf = (guid: string): [number, number, number, number] => {
  expect(readGuid(guid, 0)).not.toBe(0);
  return [GUID_WORDS[0]!, GUID_WORDS[1]!, GUID_WORDS[2]!, GUID_WORDS[3]!];
};
const flagsOf = (index: SubscriptionIndex, guid: string, position: number) => index.flags(index.findText(guid), position);

describe('SubscriptionIndex', () => {
  it('finds 10,000 GUIDs made in sequence (they differ in their last word only) with short probes', () => {
    const index = new SubscriptionIndex();
    for (let i = 0; i < 10_000; i++) index.add(sequential(i), i % 3, AUTO_APPROVED);
    for (let i = 0; i < 10_000; i += 7) index.add(sequential(i), i % 3, DENIED);
    expect(index.size).toBe(10_000);
    // Linear probing at most half full: a probe as long as the list would mean the hash ignores words.
    expect(index.longestProbe).toBeLessThanOrEqual(40);
    for (let i = 0; i < 10_000; i++) {
      expect(index.findText(sequential(i))).toBeGreaterThanOrEqual(0);
      expect(flagsOf(index, sequential(i), i % 3)).toBe(i % 7 === 0 ? AUTO_APPROVED | DENIED : AUTO_APPROVED);
      expect(flagsOf(index, sequential(i), (i + 1) % 3)).toBe(0);
    }
    expect(index.findText(sequential(10_000))).toBe(-1);
    expect(index.findText('00000000-0000-4000-8000-00000000000x')).toBe(-1);
  });

  it('holds as many GUIDs as it was sized for in the table it was made with, and more by growing', () => {
    // indexSubscriptions sizes the table from the lists: it is never grown then.
    for (const [expected, added] of [[10_000, 10_000], [100, 1_000], [0, 50]] as const) {
      const index = new SubscriptionIndex(expected);
      for (let i = 0; i < added; i++) index.add(sequential(i), i % 2, VISIBLE);
      expect(index.size).toBe(added);
      expect(index.longestProbe).toBeLessThanOrEqual(40);
      for (let i = 0; i < added; i++) expect(flagsOf(index, sequential(i), i % 2)).toBe(VISIBLE);
      expect(index.findText(sequential(added))).toBe(-1);
    }
  });

  it('sizes the table of a policy set by the subscriptions it holds, not by how often the lists repeat them', () => {
    const guids = new Set(Array.from({ length: 1_000 }, (_, i) => sequential(i)));
    const none = { patterns: { subscriptions: undefined } };
    // 20 policies, each with the same 1,000 GUIDs in visibility and autoApproval: 40,000 listings.
    const policies = Array.from({ length: 20 }, (_, position) => ({ position, denySubscriptions: new Set<string>(), autoApproval: guids, visibility: guids, trustedSubnets: none, denySubnets: none }));
    const index = indexSubscriptions(policies);
    expect(index.size).toBe(1_000);
    expect(index.slotCount).toBeLessThanOrEqual(4 * 1_000);
    expect(index.flags(index.findText(sequential(999)), 19)).toBe(VISIBLE | AUTO_APPROVED);
  });

  it('tells apart GUIDs that differ in one word only, whichever word', () => {
    const index = new SubscriptionIndex();
    const base = [0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321];
    index.add(guidOf(base), 0, VISIBLE);
    for (let w = 0; w < 4; w++) {
      const other = [...base];
      other[w] = other[w]! ^ 1;
      expect(index.find(...(other as [number, number, number, number]))).toBe(-1);
      index.add(guidOf(other), 0, 1 << w);
    }
    expect(flagsOf(index, guidOf(base), 0)).toBe(VISIBLE);
    for (let w = 0; w < 4; w++) {
      const other = [...base];
      other[w] = other[w]! ^ 1;
      expect(flagsOf(index, guidOf(other), 0)).toBe(1 << w);
    }
  });

  it('finds GUIDs whose probes start on the same slot, and misses one that passes the filter and walks their run', () => {
    const index = new SubscriptionIndex();
    // A fresh index has 16 slots: the hash's top 4 bits pick the first.
    const start = (h: number) => h >>> 28;
    const held: number[][] = [];
    for (let i = 0; held.length < 5; i++) if (start(mix(7, 7, 7, i)) === 3) held.push([7, 7, 7, i]);
    for (const w of held) index.add(guidOf(w), 0, DENIED);
    expect(index.longestProbe).toBeGreaterThanOrEqual(5);
    for (const w of held) expect(flagsOf(index, guidOf(w), 0)).toBe(DENIED);
    // Not held, same first slot, and the same presence bit as a held one (the low 18 bits of the hash).
    const target = mix(...(held[0] as [number, number, number, number]));
    let missing: [number, number, number, number] | undefined;
    for (let i = 0; missing === undefined && i < 1 << 26; i++) {
      const h = mix(9, 9, 9, i);
      if ((h & 0x3ffff) === (target & 0x3ffff) && start(h) === 3) missing = [9, 9, 9, i];
    }
    expect(missing).toBeDefined();
    expect(index.find(...missing!)).toBe(-1);
  });

  it("keeps each policy's flags for a subscription many policies list, their lists interleaved with another's", () => {
    const index = new SubscriptionIndex();
    const a = sequential(1);
    const b = sequential(2);
    for (let p = 0; p < 50; p++) {
      index.add(a, p, p % 2 === 0 ? DENIED : VISIBLE);
      if (p % 3 === 0) index.add(b, p, AUTO_APPROVED);
      if (p % 5 === 0) index.add(a, p, AUTO_APPROVED);
    }
    for (let p = 0; p < 52; p++) {
      expect(flagsOf(index, a, p)).toBe(p >= 50 ? 0 : (p % 2 === 0 ? DENIED : VISIBLE) | (p % 5 === 0 ? AUTO_APPROVED : 0));
      expect(flagsOf(index, b, p)).toBe(p < 50 && p % 3 === 0 ? AUTO_APPROVED : 0);
    }
  });

  it('holds only lower-case GUID text, the only text a consumer subscription can equal', () => {
    const index = new SubscriptionIndex();
    index.add('not-a-guid', 0, DENIED);
    index.add('ABCDEF00-0000-4000-8000-000000000000', 0, DENIED);
    index.add('abcdef00-0000-4000-8000-0000000000001', 0, DENIED);
    expect(index.size).toBe(0);
    expect(index.findText('abcdef00-0000-4000-8000-000000000000')).toBe(-1);
    expect(index.flags(-1, 0)).toBe(0);
  });

  it('answers as a map of text to per-policy flags does, on generated lists', () => {
    const guidArb = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map(sequential),
      fc.tuple(fc.integer(), fc.integer(), fc.integer(), fc.integer()).map((w) => guidOf(w)),
    );
    const addition = fc.tuple(guidArb, fc.integer({ min: 0, max: 4 }), fc.constantFrom(1, 2, 4, 8, 16));
    fc.assert(
      fc.property(fc.array(addition, { maxLength: 200 }), fc.array(guidArb, { maxLength: 20 }), (additions, probes) => {
        // Policies add their lists in ascending position.
        const sorted = [...additions].sort((x, y) => x[1] - y[1]);
        const index = new SubscriptionIndex();
        const expected = new Map<string, Map<number, number>>();
        for (const [guid, policy, flag] of sorted) {
          index.add(guid, policy, flag);
          const byPolicy = expected.get(guid) ?? new Map<number, number>();
          byPolicy.set(policy, (byPolicy.get(policy) ?? 0) | flag);
          expected.set(guid, byPolicy);
        }
        expect(index.size).toBe(expected.size);
        for (const guid of [...expected.keys(), ...probes]) {
          expect(index.findText(guid) >= 0).toBe(expected.has(guid));
          expect(index.find(...wordsOf(guid))).toBe(index.findText(guid));
          for (let p = 0; p < 5; p++) expect(flagsOf(index, guid, p)).toBe(expected.get(guid)?.get(p) ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
