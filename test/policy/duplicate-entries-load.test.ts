/**
 * Duplicates are found without ajv's pairwise uniqueItems (IPv4 blocks as sorted numbers, the rest
 * in a set): the loader must report exactly the arrays the published schema reports.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import { checkPolicyDocument } from '../../src/policy/load-policies.js';
import { schemaErrors } from '../../src/policy/policy-schema.js';

const published = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(policySchema);
const TARGET = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*';
const HUB = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets';
// Compiled patterns are told apart within buckets of a prefix segment: texts differing only in
// case, or a wildcard against a literal, share a bucket and must not count as duplicates.
const entries = fc.constantFrom('10.0.0.0/8', '10.0.0.0/16', '10.0.0.5', '10.0.0.5/32', '010.0.0.0/8', 'fd00::/8', 'FD00::/8', '/subscriptions/x/subnets/*', '10.0.0.0/08', '0.0.0.0/0', '::ffff:10.0.0.0/104', `${HUB}/*`, `${HUB.replace('/subnets', '/Subnets')}/*`, `${HUB}/pe`, `${HUB}/PE`, `${HUB.replace('/hub/', '/spoke/')}/*`);

describe('duplicate entries', () => {
  it('are reported at the pointers where the published schema reports uniqueItems', () => {
    fc.assert(
      fc.property(fc.array(entries, { maxLength: 8 }), fc.array(entries, { maxLength: 5 }), (trusted, denied) => {
        const document = { name: 'p', targets: [TARGET], trustedSubnets: trusted, deny: { subnets: denied } };
        published(document);
        const expected = (published.errors ?? []).filter((e) => e.keyword === 'uniqueItems').map((e) => e.instancePath).sort();
        const found = schemaErrors('p.json', document).filter((e) => e.message === 'has duplicate entries').map((e) => e.pointer).sort();
        expect(found).toEqual(expected);
      }),
      { numRuns: 1000, seed: 4 },
    );
  });
});

describe('a duplicate beside other errors in the same list', () => {
  it('does not hide what is wrong with the list entries: one run lists every error', () => {
    const document = { name: 'p', targets: [TARGET], trustedSubnets: ['10.20.1.0/16', '10.20.0.0/16', '10.20.0.0/16', 'fd00:1::1/48'] };
    const errors = checkPolicyDocument('p.json', document);
    expect(errors.map((e) => `${e.pointer} ${e.message}`)).toEqual([
      '/trustedSubnets has duplicate entries',
      expect.stringMatching(/^\/trustedSubnets\/0 .*host bits are set/u),
      expect.stringMatching(/^\/trustedSubnets\/3 .*host bits are set/u),
    ]);
  });
});

describe('a subnet list holding something else than strings', () => {
  it('still checks each of its strings, each error at its own place in the list', () => {
    const document = { name: 'p', targets: [TARGET], trustedSubnets: [42, '10.20.1.0/16', null, '10.20.0.0/16', 'fd00:1::1/48', `${HUB}/*`, '/subscriptions/x/subnets/*'] };
    const semantic = checkPolicyDocument('p.json', document).filter((e) => /host bits|not a subnet ID pattern/u.test(e.message));
    expect(semantic.map((e) => e.pointer)).toEqual(['/trustedSubnets/1', '/trustedSubnets/4', '/trustedSubnets/6']);
  });
});
