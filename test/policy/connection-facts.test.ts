import { describe, expect, it } from 'vitest';
import { leadingSubscription, subscriptionCandidate } from '../../src/policy/connection-facts.js';

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

describe('subscriptionCandidate (a lookup key among valid subscriptions, unchecked)', () => {
  it.each([
    [`/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, GUID],
    [`/subscriptions/${GUID.toUpperCase()}/resourceGroups/rg`, GUID],
    [`/SUBSCRIPTIONS/${GUID}/resourceGroups/rg`, GUID],
    [`/subscriptions/${'x'.repeat(36)}/resourceGroups/rg`, 'x'.repeat(36)],
  ])('%s → %s', (id, expected) => {
    expect(subscriptionCandidate(id)).toBe(expected);
  });

  it.each([`/subscriptions/${GUID}x/resourceGroups/rg`, `/subscriptions/${GUID.slice(0, -1)}`, `/tenants/${GUID}/x`, ''])('%j has none', (id) => {
    expect(subscriptionCandidate(id)).toBeUndefined();
  });

  it('agrees with leadingSubscription wherever that finds a subscription', () => {
    for (const id of [`/subscriptions/${GUID}`, `/Subscriptions/${GUID.toUpperCase()}/a/b`, `/subscriptions/${GUID.replace('a', 'g')}/a`]) {
      const valid = leadingSubscription(id);
      if (valid !== undefined) expect(subscriptionCandidate(id)).toBe(valid);
      else expect(subscriptionCandidate(id) === undefined || !/^[0-9a-f-]{36}$/u.test(subscriptionCandidate(id)!)).toBe(true);
    }
  });
});
