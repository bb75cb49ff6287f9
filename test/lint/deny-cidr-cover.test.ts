/**
 * The deny-cover lookup (deny blocks grouped by prefix length, one lookup per length) must name
 * the deny entry a scan of the list names: the first one, in list order, holding every address
 * of the trusted block; IPv4, IPv6 and IPv4-mapped blocks, duplicates and nesting included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, type Cidr } from '../../src/net/cidr.js';
import { formatIpv4 } from '../../src/net/ip-address.js';
import { DenyCidrCover } from '../../src/lint/deny-cidr-cover.js';

function within(inner: Cidr, outer: Cidr): boolean {
  if (inner.version === 4 && outer.version === 4) return outer.start <= inner.start && inner.end <= outer.end;
  if (inner.version === 6 && outer.version === 6) return outer.start <= inner.start && inner.end <= outer.end;
  return false;
}

function parsed(text: string): Cidr {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(text);
  return result.cidr;
}

const v4 = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 6, max: 32 })).map(([a, b, prefix]) => {
  const size = 2 ** (32 - prefix);
  const start = Math.floor((10 * 2 ** 24 + a * 2 ** 22 + b * 2 ** 12) / size) * size;
  return `${formatIpv4(start)}/${prefix}`;
});
const v6 = fc.constantFrom('fd00::/8', 'fd00:1::/48', 'fd00:1::/64', 'fd00:2::/48', '::ffff:10.0.0.0/104', '10.0.0.1', 'fd00:1::5');

describe('DenyCidrCover', () => {
  it('names the first covering deny entry, as a scan of the deny list does', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(v4, v6), { maxLength: 12 }), fc.array(fc.oneof(v4, v6), { maxLength: 12 }), (denied, trusted) => {
        const deny = denied.map((entry) => ({ entry, cidr: parsed(entry) }));
        const cover = new DenyCidrCover(deny);
        for (const t of trusted) expect(cover.cover(parsed(t))).toBe(deny.find((d) => within(parsed(t), d.cidr)));
      }),
      { numRuns: 500, seed: 2 },
    );
  });
});
