import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/net/cidr.js';
import { CidrIndex } from '../../src/net/cidr-index.js';
import { formatIpv4, parseIp } from '../../src/net/ip-address.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';

describe('parseCidr', () => {
  it.each([
    ['10.20.0.0/16', 4, '10.20.0.0/16'],
    ['0.0.0.0/0', 4, '0.0.0.0/0'],
    ['10.1.2.3/32', 4, '10.1.2.3/32'],
    ['10.1.2.3', 4, '10.1.2.3/32'],
    ['fd00:1::/48', 6, 'fd00:1::/48'],
    ['::/0', 6, '::/0'],
    ['fd00::1/128', 6, 'fd00::1/128'],
    ['FD00:0001:0000::/48', 6, 'fd00:1::/48'],
    ['::ffff:10.0.0.0/104', 4, '::ffff:10.0.0.0/104'],
  ])('accepts %s', (text, version, canonical) => {
    const result = parseCidr(text);
    expect(result.ok && result.cidr.version).toBe(version);
    expect(result.ok && result.cidr.text).toBe(canonical);
  });

  it.each([
    ['10.20.1.0/16', "write '10.20.0.0/16'"],
    ['10.0.0.0/33', undefined],
    ['10.0.0/8', undefined],
    ['010.0.0.0/8', undefined],
    ['256.0.0.0/8', undefined],
    ['fd00::1/48', "write 'fd00::/48'"],
    ['fd00::/129', undefined],
    ['fe80::1%eth0', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['10.0.0.0/ 8', undefined],
    ['', undefined],
  ])('refuses %s', (text, fix) => {
    const result = parseCidr(text);
    expect(result.ok).toBe(false);
    if (!result.ok && fix !== undefined) expect(result.fix).toBe(fix);
  });
});

describe('CidrIndex', () => {
  const index = CidrIndex.of(['10.0.0.0/8', '10.20.0.0/16', '10.20.30.0/24', '192.168.1.1/32', '0.0.0.0/0', 'fd00::/8', 'fd00:1::/48', '2001:db8::1/128']);

  it.each([
    ['10.20.30.40', '10.20.30.0/24'],
    ['10.20.31.1', '10.20.0.0/16'],
    ['10.21.0.0', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['11.0.0.0', '0.0.0.0/0'],
    ['192.168.1.1', '192.168.1.1/32'],
    ['192.168.1.2', '0.0.0.0/0'],
    ['::ffff:10.20.30.1', '10.20.30.0/24'],
    ['fd00:1::5', 'fd00:1::/48'],
    ['fd00:2::5', 'fd00::/8'],
    ['2001:db8::1', '2001:db8::1/128'],
  ])('%s is in the most specific block, %s', (ip, block) => {
    expect(index.match(ip)).toBe(block);
  });

  it.each(['2001:db8::2', 'fe80::1', 'not an ip', '10.0.0.256'])('%s is in no block', (ip) => {
    expect(index.match(ip)).toBeUndefined();
  });

  it('reports the first listing of a block given twice', () => {
    const twice = new CidrIndex([{ cidr: '10.0.0.0/8', entry: 'first' }, { cidr: '10.0.0.0/8', entry: 'second' }]);
    expect(twice.match('10.1.1.1')).toBe('first');
  });

  it('agrees with a linear scan on random IPv4 blocks and addresses', () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => {
      const size = 2 ** (32 - prefix);
      return `${formatIpv4(Math.floor(address / size) * size)}/${prefix}`;
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), (blocks, addresses) => {
        const idx = CidrIndex.of(blocks);
        for (const address of addresses) {
          const text = formatIpv4(address);
          const parsed = parseIp(text);
          const covering = blocks
            .map((b) => parseCidr(b))
            .filter((r) => r.ok && r.cidr.version === 4 && parsed?.version === 4 && r.cidr.start <= parsed.value && parsed.value <= r.cidr.end)
            .map((r) => (r.ok ? r.cidr : undefined)!);
          const expectedPrefix = covering.length === 0 ? undefined : Math.max(...covering.map((c) => c.prefix));
          const found = idx.match(text);
          if (expectedPrefix === undefined) expect(found).toBeUndefined();
          else expect(found === undefined ? undefined : Number(found.split('/')[1])).toBe(expectedPrefix);
        }
      }),
      { numRuns: Math.min(FUZZ_RUNS, 500) },
    );
  });
});
