import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadingSubscription } from '../../src/policy/connection-facts.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';

const GUID = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';

describe('leadingSubscription', () => {
  it.each([
    [`/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`, GUID],
    [`/subscriptions/${GUID}`, GUID],
    [`/subscriptions/${GUID.toUpperCase()}/resourceGroups/rg`, GUID],
    [`/Subscriptions/${GUID}/resourceGroups/rg`, GUID],
    [`/SUBSCRIPTIONS/${GUID.toUpperCase()}`, GUID],
  ])('%s → %s (lower case)', (id, expected) => {
    expect(leadingSubscription(id)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    `subscriptions/${GUID}/resourceGroups/rg`,
    `/subscriptions/${GUID}x/resourceGroups/rg`,
    `/subscriptions/${GUID.slice(0, -1)}/resourceGroups/rg`,
    `/subscriptions/${GUID.replace('-', '_')}`,
    `/subscriptions/${GUID.replace('a', 'g')}`,
    `/tenants/${GUID}`,
    ` /subscriptions/${GUID}`,
    // U+017F (ſ) folds to s under Unicode case folding; parseArmId refuses it, and so does this.
    `/\u017Fubscriptions/${GUID}`,
  ])('%j names no subscription', (id) => {
    expect(leadingSubscription(id)).toBeUndefined();
  });

  // The rule as one regular expression (what leadingSubscription checks by character codes, for speed).
  const RULE = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/|$)/i;

  it('agrees with the rule as a regular expression on near-GUID text', () => {
    const near = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgG-/xſK\u00e9'), maxLength: 40 });
    const id = fc.tuple(fc.constantFrom('/subscriptions/', '/Subscriptions/', '/subscriptions', 'subscriptions/', '/\u017Fubscriptions/'), fc.oneof(fc.constantFrom(GUID, GUID.toUpperCase(), `${GUID}/rg`), near), fc.constantFrom('', '/', '/rg', 'x'));
    fc.assert(
      fc.property(id, ([prefix, middle, tail]) => {
        const text = prefix + middle + tail;
        expect(leadingSubscription(text)).toBe(RULE.test(text) ? text.slice(15, 51).toLowerCase() : undefined);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
