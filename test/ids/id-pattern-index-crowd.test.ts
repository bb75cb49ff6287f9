/**
 * Patterns that share a bucket key: every spoke's vnet named `hub` puts 10,000 patterns of
 * different subscriptions under one key. Building the index and looking an ID up must stay linear
 * and constant in them, and answer as matching each pattern one by one does. Work is counted by
 * reads of each pattern's `text` and `prefix`, not timed.
 */
import { describe, expect, it } from 'vitest';
import { compileIdPattern, IdPatternIndex, matchIdPattern, type IdPattern } from '../../src/ids/id-pattern.js';

const guid = (i: number): string => `5f0e9b7a-1c2d-4e3f-a4b5-${i.toString(16).padStart(12, '0')}`;
const hubPattern = (i: number): string => `/subscriptions/${guid(i)}/resourceGroups/rg-${i}/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`;
const subnetOf = (i: number, name = 'app'): string => `/subscriptions/${guid(i)}/resourceGroups/rg-${i}/providers/Microsoft.Network/virtualNetworks/hub/subnets/${name}`;

/** A compiled pattern whose `text` and `prefix` reads are counted in `reads`. */
function countedPattern(text: string, reads: { count: number }): IdPattern {
  const result = compileIdPattern(text);
  if (!result.ok) throw new Error(result.error);
  const pattern = { ...result.pattern };
  for (const field of ['text', 'prefix'] as const) {
    const value = pattern[field];
    Object.defineProperty(pattern, field, {
      get: () => {
        reads.count++;
        return value;
      },
    });
  }
  return pattern;
}

function indexOf(texts: string[], reads = { count: 0 }): IdPatternIndex<string> {
  return new IdPatternIndex(texts.map((text) => ({ pattern: countedPattern(text, reads), entry: text })));
}

describe('IdPatternIndex with many patterns on one bucket key', () => {
  it('builds in work linear in the patterns', () => {
    const work = (n: number): number => {
      const reads = { count: 0 };
      indexOf(Array.from({ length: n }, (_, i) => hubPattern(i)), reads);
      return reads.count;
    };
    const small = work(500);
    const large = work(1_000);
    // A list compared with every earlier pattern reads ~n²/2 texts: 125,000 for 500.
    expect(small).toBeLessThan(500 * 8);
    expect(large).toBeLessThanOrEqual(2.1 * small);
  });

  it('looks an ID up by reading the patterns of its own prefix only', () => {
    const lookupWork = (n: number): number => {
      const reads = { count: 0 };
      const index = indexOf(Array.from({ length: n }, (_, i) => hubPattern(i)), reads);
      reads.count = 0;
      expect(index.findAll(subnetOf(n >> 1).toLowerCase())).toEqual([hubPattern(n >> 1)]);
      return reads.count;
    };
    expect(lookupWork(1_000)).toBe(lookupWork(100));
    expect(lookupWork(1_000)).toBeLessThan(10);
  });

  it('answers as matching each pattern one by one', () => {
    const texts = Array.from({ length: 40 }, (_, i) => hubPattern(i % 20));
    // Patterns of one prefix with other tails, and one reaching past the subnet.
    texts.push(hubPattern(3).replace('/subnets/*', '/subnets/app'), hubPattern(3).replace('/subnets/*', '/**'), hubPattern(7).replace('/subnets/*', '/subnets/db-*'));
    const index = indexOf(texts);
    const ids = [subnetOf(3), subnetOf(7, 'db-1'), subnetOf(7), subnetOf(19), subnetOf(25), `${subnetOf(3)}/extra/x`, subnetOf(3).replace('/hub/', '/other/')];
    for (const id of ids) {
      const expected = texts.filter((text) => {
        const compiled = compileIdPattern(text);
        return compiled.ok && matchIdPattern(compiled.pattern, id);
      });
      expect(index.findAll(id.toLowerCase()).sort()).toEqual(expected.sort());
    }
  });

  it('tells a repeated text past the crowding point, and only then', () => {
    const distinct = Array.from({ length: 30 }, (_, i) => hubPattern(i));
    expect(indexOf(distinct).repeats).toBe(false);
    expect(indexOf([...distinct, hubPattern(2)]).repeats).toBe(true);
    expect(indexOf([...distinct, hubPattern(29)]).repeats).toBe(true);
    // The same pattern in another case is another text (uniqueItems compares strings).
    expect(indexOf([...distinct, hubPattern(2).replace('rg-2', 'RG-2')]).repeats).toBe(false);
  });

  it('tells an exact repeat among case variants of one literal, however many', () => {
    // One literal key (IDs compare case-insensitively), as many texts as the name has spellings.
    const variant = (i: number): string => subnetOf(1, [...'abcdefghij'].map((c, k) => ((i >> k) & 1 ? c.toUpperCase() : c)).join(''));
    for (const n of [3, 8, 9, 400]) {
      const texts = Array.from({ length: n }, (_, i) => variant(i));
      expect(new Set(texts.map((t) => t.toLowerCase())).size).toBe(1);
      expect(indexOf(texts).repeats).toBe(false);
      expect(indexOf([...texts, texts[n - 1]!]).repeats).toBe(true);
      expect(indexOf([...texts, texts[0]!]).repeats).toBe(true);
      expect(indexOf(texts).findAll(subnetOf(1, 'abcdefghij').toLowerCase())).toEqual(texts);
    }
  });
});
