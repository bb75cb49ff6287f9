/**
 * The consumer's subscription is read as numbers by a branch-free walk of the ID's characters:
 * it must accept exactly what the case-insensitive regex accepts, and its words must be the GUID's
 * hex digits, on IDs whose characters sit at and around every boundary a test of ranges has.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GUID_WORDS, leadingGuid, leadingSubscription, LOWER_GUID, NOT_GUID, readGuid, UPPER_GUID } from '../../src/ids/leading-subscription.js';

const REFERENCE = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/|$)/i;
const GUID = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';
/** Characters next to each range edge ('/', '0'-'9', ':', '@', 'A'-'F', 'G', '`', 'a'-'f', 'g'), and some far from them. */
const EDGES = '/09:@AFG`afg-.-_ \u0000\u0130\u017f\u212a\uff10\u0660';

const wordsOf = (guid: string) => {
  const hex = guid.replaceAll('-', '');
  return [0, 8, 16, 24].map((at) => Number.parseInt(hex.slice(at, at + 8), 16) | 0);
};

describe('leadingGuid', () => {
  it('reads the GUID of an ARM ID as four words, and tells lower from upper case', () => {
    expect(leadingGuid(`/subscriptions/${GUID}/resourceGroups/rg`)).toBe(LOWER_GUID);
    expect([...GUID_WORDS]).toEqual(wordsOf(GUID));
    expect(leadingGuid(`/subscriptions/${GUID.toUpperCase()}`)).toBe(UPPER_GUID);
    expect([...GUID_WORDS]).toEqual(wordsOf(GUID));
    expect(leadingGuid(`/SUBSCRIPTIONS/${GUID}/x`)).toBe(LOWER_GUID);
    expect(leadingGuid(`/subscriptions/${GUID}x`)).toBe(NOT_GUID);
    expect(leadingGuid(`/subscriptions/${GUID.slice(0, 35)}`)).toBe(NOT_GUID);
    expect(readGuid('ffffffff-ffff-ffff-ffff-ffffffffffff', 0)).toBe(LOWER_GUID);
    expect([...GUID_WORDS]).toEqual([-1, -1, -1, -1]);
  });

  it('accepts exactly what the regex accepts, with the same text, on IDs one edit from a GUID', () => {
    const edited = fc
      .tuple(fc.integer({ min: 0, max: 52 }), fc.constantFrom(...EDGES), fc.boolean(), fc.constantFrom('', '/', '/rg', 'x'))
      .map(([at, c, upper, tail]) => {
        const id = `/subscriptions/${upper ? GUID.toUpperCase() : GUID}${tail}`;
        return id.slice(0, at) + c + id.slice(at + 1);
      });
    fc.assert(
      fc.property(fc.oneof(edited, fc.string({ maxLength: 60 }), fc.stringMatching(/^\/subscriptions\/[0-9a-fA-F-]{36}\/?$/u)), (id) => {
        const expected = REFERENCE.test(id) ? id.slice(15, 51).toLowerCase() : undefined;
        expect(leadingSubscription(id)).toBe(expected);
        if (expected !== undefined) {
          expect(leadingGuid(id)).not.toBe(NOT_GUID);
          expect([...GUID_WORDS]).toEqual(wordsOf(expected));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
