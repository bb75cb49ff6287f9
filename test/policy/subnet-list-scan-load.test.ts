/**
 * The loader scans a subnet list once and the compiler reuses that scan (subnet-list-scan.ts):
 * the matcher it builds must be the one a fresh scan or the plain CidrIndex builds, and a list
 * changed after loading must be compiled as it now reads, never from the stale scan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CidrIndex } from '../../src/net/cidr-index.js';
import { looksLikeCidr } from '../../src/net/cidr.js';
import { compileSubnetMatcher } from '../../src/policy/compile-policies.js';
import { checkPolicyDocument } from '../../src/policy/load-policies.js';
import { plainStringsJson } from '../../src/policy/policy-revision.js';
import { scanSubnetList } from '../../src/policy/subnet-list-scan.js';

const TARGET = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*';
const SUBNET = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourcegroups/rg/providers/microsoft.network/virtualnetworks/hub/subnets/pe';
const entries = fc.constantFrom('10.0.0.0/8', '10.0.0.0/16', '10.0.0.5', '10.0.0.5/32', '10.0.0.0/08', '0.0.0.0/0', 'fd00::/8', '::ffff:10.0.0.0/104', '192.168.1.0/24', SUBNET.replace('/pe', '/*'), SUBNET);
const addresses = ['10.0.0.5', '10.0.1.1', '10.9.9.9', '192.168.1.7', '172.16.0.1', 'fd00::1', '::ffff:10.0.0.5'];

function answers(list: readonly string[]): unknown {
  const matcher = compileSubnetMatcher(list);
  return { size: matcher.size, ips: addresses.map((a) => matcher.cidrs.match(a)), subnet: matcher.patterns.findFirst(SUBNET) };
}

describe('a subnet list scanned at load and compiled', () => {
  it('compiles to what a fresh scan and the plain CidrIndex give', () => {
    fc.assert(
      fc.property(fc.array(entries, { maxLength: 10 }), (list) => {
        checkPolicyDocument('p.json', { name: 'p', targets: [TARGET], trustedSubnets: list });
        const compiled = answers(list);
        expect(compiled).toEqual(answers([...list]));
        const plain = CidrIndex.of(list.filter(looksLikeCidr));
        expect((compiled as { ips: unknown[] }).ips).toEqual(addresses.map((a) => plain.match(a)));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('changed after loading, compiles as it now reads', () => {
    const list = ['10.0.0.0/8', SUBNET];
    expect(checkPolicyDocument('p.json', { name: 'p', targets: [TARGET], trustedSubnets: list })).toEqual([]);
    list[0] = '192.168.1.0/24';
    list[1] = SUBNET.replace('/hub/', '/spoke/');
    const matcher = compileSubnetMatcher(list);
    expect(matcher.cidrs.match('10.1.2.3')).toBeUndefined();
    expect(matcher.cidrs.match('192.168.1.9')).toBe('192.168.1.0/24');
    expect(matcher.patterns.findFirst(SUBNET)).toBeUndefined();
  });
});

describe("the revision's JSON of a subnet list's other entries", () => {
  // The revision joins the other entries of a list the scan calls plain instead of JSON.stringify:
  // the scan must call it plain only when JSON writes every entry as it is, and the join must
  // then be the text JSON.stringify makes, so the revision stays what it was.
  const HUB = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks';
  const odd = fc.constantFrom('"', '\\', '\u0001', '\ud800', 'é', ' ', '%20', '.', '..', '(x)', '*', 'pls-*', '');
  const entry = fc.oneof(
    fc.constantFrom('10.0.0.0/8', 'fd00::/8', '::ffff:10.0.0.0/104', '10.0.0.5', `${HUB}/hub/subnets/*`, `${HUB}/*/subnets/*`, `${HUB}/hub/subnets/pe`),
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9_.()-]{1,8}$/u), odd).map(([name, extra]) => `${HUB}/${name}${extra}/subnets/*`),
  );
  it('is the JSON text of those entries, and plain only when JSON escapes none of them', () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.uniqueArray(entry, { maxLength: 12 }), (list) => {
        const strict = scanSubnetList(list)?.strict;
        if (strict === undefined) return;
        if (strict.othersPlain) {
          plain++;
          for (const other of strict.others) expect(JSON.stringify(other)).toBe(`"${other}"`);
          expect(plainStringsJson(strict.others)).toBe(JSON.stringify(strict.others));
        }
      }),
      { numRuns: 500, seed: 17 },
    );
    expect(plain).toBeGreaterThan(50);
  });
});
