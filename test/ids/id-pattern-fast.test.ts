/**
 * The short way for the common subnet pattern shape (id-pattern-fast.ts) must give exactly what
 * the general compiler gives, on any input: generated patterns mix the common shape with every
 * way out of it (wildcards inside segments, '**', dot and empty segments, forbidden and non-ASCII
 * characters, odd segment counts, a bad GUID, letter case).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTrailingWildcards } from '../../src/ids/id-pattern-fast.js';
import { compileIdPattern, compileIdPatternGeneral, matchIdPattern, type IdPatternResult } from '../../src/ids/id-pattern.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';

const SUB = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4B';
const COMMON = `/subscriptions/${SUB}/resourceGroups/rg-net-1/providers/Microsoft.Network/virtualNetworks/hub-1/subnets/*`;

/** Everything a caller can read of a result, the matchers as plain data. */
function shape(result: IdPatternResult): unknown {
  if (!result.ok) return result;
  const { text, prefix, prefixSegments, literal, anyTail, segments } = result.pattern;
  return { text, prefix, prefixSegments, literal, anyTail, segments: segments.map((s) => (s.kind === 'glob' ? { kind: 'glob', source: s.regex.source } : s)) };
}

const segment = fc.oneof(
  fc.constantFrom('subscriptions', 'SUBSCRIPTIONS', 'Subscriptions', SUB, SUB.toUpperCase(), 'not-a-guid', 'resourceGroups', 'rg-1', 'providers', 'Microsoft.Network', 'virtualNetworks', 'subnets'),
  fc.constantFrom('*', '*', '*', '**', 'a*', '*b', '.', '..', '...', '', 'a.b', '(x)', 'x_y', 'A-Z', '%41', 'a b', 'a?b', 'a#', 'a\\b', '\u212a', '\u017f', '\u00e9', 'a\u0000', 'Z'),
  fc.string({ unit: fc.constantFrom('a', 'B', '0', '-', '.', '*', '(', '_', '\u212a'), minLength: 1, maxLength: 6 }),
);

const anyPattern = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 0, maxLength: 12 }), fc.array(fc.constantFrom('*', '**', 'x'), { maxLength: 3 }), fc.constantFrom('', '/', '//'))
  .map(([common, middle, tail, end]) => (common ? `/subscriptions/${SUB}/` : '/') + [...middle, ...tail].join('/') + end);

/** Mostly the common shape, with now and then one thing that takes it out. */
const literal = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '_', '(', ')'), minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: segment },
);
const nearCommon = fc
  .tuple(fc.constantFrom('subscriptions', 'subscriptions', 'SubScriptions', 'subscription'), fc.constantFrom(SUB, SUB, SUB.toLowerCase(), 'x'), fc.array(literal, { maxLength: 9 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom('', '', '', '', '', '/', '*'))
  .map(([word, subscription, middle, stars, end]) => `/${word}/${subscription}` + middle.map((m) => `/${m}`).join('') + '/*'.repeat(stars) + end);

const pattern = fc.oneof(anyPattern, nearCommon);

describe('ID patterns of the common shape, compiled the short way', () => {
  it('take the short way (so the comparison below is not vacuous)', () => {
    expect(compileTrailingWildcards(COMMON)).toBeDefined();
    expect(compileTrailingWildcards(`/subscriptions/${SUB}/resourceGroups/*/providers/x.y/z/*`)).toBeUndefined();
    expect(shape(compileIdPattern(COMMON))).toEqual(shape(compileIdPatternGeneral(COMMON)));
  });

  it('equal the general compiler on generated patterns', () => {
    let short = 0;
    fc.assert(
      fc.property(pattern, (text) => {
        if (compileTrailingWildcards(text) !== undefined) short++;
        expect(shape(compileIdPattern(text))).toEqual(shape(compileIdPatternGeneral(text)));
      }),
      { numRuns: Math.max(FUZZ_RUNS, 2000) },
    );
    // Some generated patterns have the common shape, or the test proves nothing about it.
    expect(short).toBeGreaterThan(100);
  });

  it('match IDs as the general pattern does', () => {
    const fast = compileIdPattern(COMMON);
    const general = compileIdPatternGeneral(COMMON);
    if (!fast.ok || !general.ok) throw new Error('the common pattern compiles');
    for (const id of [COMMON.replace('*', 'pe'), COMMON.replace('*', 'pe').toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), COMMON.replace('/*', ''), COMMON.replace('*', 'pe/x/y'), COMMON.replace('hub-1', 'hub-2').replace('*', 'pe')]) {
      expect(matchIdPattern(fast.pattern, id)).toBe(matchIdPattern(general.pattern, id));
    }
  });
});
