/**
 * The typed-array path for IPv4 blocks (ipv4BlockKey, sortIpv4Blocks, sweepIpv4Blocks) must give
 * the answers of the general path: parseCidr's blocks in IntervalIndex, sorted by a comparator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4BlockKey, parseCidr } from '../../src/net/cidr.js';
import { CidrIndex } from '../../src/net/cidr-index.js';
import { formatIpv4 } from '../../src/net/ip-address.js';
import { IntervalIndex } from '../../src/net/interval-index.js';
import { sortIpv4Blocks } from '../../src/net/sort-ipv4-blocks.js';
import { sweepIpv4Blocks } from '../../src/net/sweep-ipv4-blocks.js';
import { ipv4BlockKey as ipv4BlockKeyBefore } from '../policy/oracle/cidr.js';

describe('ipv4BlockKey', () => {
  it('is start·64 + prefix exactly for the strict IPv4 blocks parseCidr accepts as written', () => {
    for (const text of ['10.0.0.0/8', '0.0.0.0/0', '255.255.255.255/32', '10.20.30.64/26', '192.168.1.1/32', '1.2.3.0/24']) {
      const parsed = parseCidr(text);
      if (!parsed.ok || parsed.cidr.version !== 4) throw new Error(text);
      expect(ipv4BlockKey(text)).toBe(parsed.cidr.start * 64 + parsed.cidr.prefix);
    }
  });

  it('leaves everything else to parseCidr (-1)', () => {
    for (const text of ['10.0.0.1/8', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/08', '010.0.0.0/8', '10.0.0/8', 'fd00::/8', '::ffff:10.0.0.0/104', ' 10.0.0.0/8', '10.0.0.0/8 ', '10.0.0.0/1a', '10.0.0.0//8', '1.2.3.4.5/32', '']) {
      expect(ipv4BlockKey(text)).toBe(-1);
    }
  });

  it('agrees with parseCidr on generated text', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', 'x', ''));
    const text = fc.tuple(octet, octet, octet, octet, fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('', '08', '/8', 'x'))).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseCidr(t);
        const key = ipv4BlockKey(t);
        if (key >= 0) expect(parsed.ok && parsed.cidr.version === 4 && parsed.cidr.start * 64 + parsed.cidr.prefix === key).toBe(true);
        else expect(parsed.ok && parsed.cidr.version === 4 && parsed.cidr.text === t).toBe(false);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});

describe('readIpv4Block (octet by octet)', () => {
  // The character loop it replaced is kept in the frozen oracle: the same accept/reject set and
  // the same numbers, on text made of the characters and lengths where the two could differ.
  it('accepts and reads exactly what the character loop did', () => {
    let accepted = 0;
    const piece = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constantFrom('', '0', '00', '01', '255', '256', '1000', '.', '/', 'x', ' ', ':'));
    const text = fc.oneof(
      fc.tuple(piece, piece, piece, piece, piece).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
      fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '/', 'a'), { maxLength: 20 }).map((chars) => chars.join('')),
      fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([start, prefix]) => `${formatIpv4(start)}/${prefix}`),
      // Host bits clear: strict blocks, which both must read to the same number.
      fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([start, prefix]) => `${formatIpv4(prefix === 0 ? 0 : (start >>> (32 - prefix) << (32 - prefix)) >>> 0)}/${prefix}`),
    );
    fc.assert(
      fc.property(text, (t) => {
        const key = ipv4BlockKey(t);
        expect(key).toBe(ipv4BlockKeyBefore(t));
        if (key >= 0) accepted++;
      }),
      { numRuns: 5000, seed: 12 },
    );
    // Both sides of the set were compared, not only refusals.
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('sortIpv4Blocks', () => {
  it('orders by start, then wider first, stable among equals', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })), { maxLength: 300 }), (blocks) => {
        const starts = Uint32Array.from(blocks.map(([s]) => s));
        const prefixes = Uint8Array.from(blocks.map(([, p]) => p));
        const expected = blocks.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]! || prefixes[a]! - prefixes[b]! || a - b);
        expect([...sortIpv4Blocks(starts, prefixes, blocks.length)]).toEqual(expected);
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});

describe('sortIpv4Blocks when a pass has one digit only', () => {
  // A pass whose digit is the same for every block is skipped (one prefix, one /8): the order
  // must be the same as sorting with every pass.
  it('orders by start, then wider first, stable among equals', () => {
    const block = fc.tuple(fc.constantFrom(0x0a000000, 0xc0a80000), fc.integer({ min: 0, max: 0x7ff }), fc.constantFrom(24, 26));
    fc.assert(
      fc.property(fc.array(block, { minLength: 2, maxLength: 200 }), fc.boolean(), (blocks, onePrefix) => {
        const starts = Uint32Array.from(blocks.map(([high, low]) => (high + (low << 8)) >>> 0));
        const prefixes = Uint8Array.from(blocks.map(([, , prefix]) => (onePrefix ? 24 : prefix)));
        const expected = blocks.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]! || prefixes[a]! - prefixes[b]! || a - b);
        expect([...sortIpv4Blocks(starts, prefixes, blocks.length)]).toEqual(expected);
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});

describe('CidrIndex over IPv4 blocks', () => {
  it('finds what the general IntervalIndex finds, duplicates and nesting included', () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 })).map(([a, b, prefix]) => {
      const size = 2 ** (32 - prefix);
      const start = Math.floor(((10 * 256 + a) * 256 + b) * 256 / size) * size;
      return `${formatIpv4(start)}/${prefix}`;
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 60 }), fc.array(fc.integer({ min: 10 * 2 ** 24, max: 11 * 2 ** 24 - 1 }), { maxLength: 40 }), (texts, addresses) => {
        const index = CidrIndex.of(texts);
        const general = new IntervalIndex(
          texts.map((t, i) => {
            const parsed = parseCidr(t);
            if (!parsed.ok || parsed.cidr.version !== 4) throw new Error(t);
            return { start: parsed.cidr.start, end: parsed.cidr.end, entry: { i, t } };
          }),
        );
        for (const address of addresses) expect(index.match(formatIpv4(address))).toBe(general.find(address)?.t);
        expect(index.size).toBe(texts.length);
      }),
      { numRuns: 400, seed: 3 },
    );
  });
});

describe('sweepIpv4Blocks of blocks none of which holds another', () => {
  // Own texts take a plain loop when no block starts inside the one before it; the result must be
  // the general sweep's (distinct entries, so the general sweep never joins two segments either).
  it('cuts the same segments as the general sweep, nested and repeated blocks included', () => {
    let disjoint = 0;
    const block = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.constantFrom(24, 25, 26, 26, 26, 32));
    fc.assert(
      fc.property(fc.uniqueArray(block, { maxLength: 40, selector: ([at, prefix]) => `${at}/${prefix}` }), fc.boolean(), (blocks, repeat) => {
        const listed = repeat && blocks.length > 0 ? [...blocks, blocks[0]!] : blocks;
        const starts = Uint32Array.from(listed.map(([at, prefix]) => (0x0a000000 + ((at * 64) >>> (32 - prefix) << (32 - prefix))) >>> 0));
        const prefixes = Uint8Array.from(listed.map(([, prefix]) => prefix));
        const entries = listed.map((_, i) => `block ${i}`);
        const own = sweepIpv4Blocks(starts, prefixes, entries, listed.length, undefined, true);
        const general = sweepIpv4Blocks(starts, prefixes, entries, listed.length, undefined, false);
        expect([...own.starts]).toEqual([...general.starts]);
        expect([...own.ends]).toEqual([...general.ends]);
        expect([...own.entries]).toEqual([...general.entries]);
        if (own.starts.length === listed.length) disjoint++;
      }),
      { numRuns: 400, seed: 14 },
    );
    expect(disjoint).toBeGreaterThan(40);
  });
});

describe('the IPv4 block build is linear', () => {
  /** Reads of the blocks' arrays by sort and sweep, counted through Proxies, for n random /24s to /32s. */
  function work(n: number): number {
    let reads = 0;
    const count = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(t, key) {
          if (typeof key === 'string' && /^\d+$/u.test(key)) reads++;
          return Reflect.get(t, key) as unknown;
        },
      });
    const starts = new Uint32Array(n);
    const prefixes = new Uint8Array(n);
    const entries: string[] = [];
    for (let i = 0; i < n; i++) {
      const prefix = 24 + (i % 9);
      starts[i] = Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
      prefixes[i] = prefix;
      entries.push(`e${i}`);
    }
    sweepIpv4Blocks(count(starts), count(prefixes), count(entries), n);
    return reads;
  }

  it('twice the blocks, twice the reads (sort and sweep)', () => {
    const ratio = work(4000) / work(2000);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });
});
