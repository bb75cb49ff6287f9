import { describe, expect, it } from 'vitest';
import { leadingSubscription } from '../../src/policy/connection-facts.js';

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
});

