/** Test oracle: src/net/cidr-index.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * A set of CIDR blocks (IPv4 and IPv6) answering "which block holds this address?" with one
 * binary search. IPv4 keys are plain numbers so the common case never touches bigint, and IPv4
 * blocks are parsed and sorted in typed arrays (a policy may list 100,000 of them).
 */
import { ipv4BlockKey, parseCidr } from './cidr.js';
import { mappedIpv4, parseIpv4, parseIpv6 } from './ip-address.js';
import { IntervalIndex } from './interval-index.js';
import { sweepIpv4Blocks } from './sweep-ipv4-blocks.js';

/** Blocks read by position, so a caller holding parallel lists need not build an object per block. */
export interface IndexedBlocks<E> {
  count: number;
  cidr(i: number): string;
  entry(i: number): E;
}

export class CidrIndex<E = string> {
  private readonly v4: IntervalIndex<number, E>;
  private readonly v6: IntervalIndex<bigint, E>;

  /** Entries whose CIDR does not parse are skipped: the loader has refused them already. */
  constructor(blocks: ReadonlyArray<{ cidr: string; entry: E }> | IndexedBlocks<E>) {
    const index = 'count' in blocks ? CidrIndex.build(blocks.count, (i) => blocks.cidr(i), (i) => blocks.entry(i)) : CidrIndex.build(blocks.length, (i) => blocks[i]!.cidr, (i) => blocks[i]!.entry);
    this.v4 = index.v4;
    this.v6 = index.v6;
  }

  private static build<E>(count: number, cidrAt: (i: number) => string, entryAt: (i: number) => E): { v4: IntervalIndex<number, E>; v6: IntervalIndex<bigint, E> } {
    const starts = new Uint32Array(count);
    const prefixes = new Uint8Array(count);
    const v4Entries: E[] = [];
    const v6: { start: bigint; end: bigint; entry: E }[] = [];
    for (let i = 0; i < count; i++) {
      const cidr = cidrAt(i);
      const key = ipv4BlockKey(cidr);
      let start: number;
      let prefix: number;
      if (key >= 0) {
        start = Math.floor(key / 64);
        prefix = key - start * 64;
      } else {
        const parsed = parseCidr(cidr);
        if (!parsed.ok) continue;
        const block = parsed.cidr;
        if (block.version === 6) {
          v6.push({ start: block.start, end: block.end, entry: entryAt(i) });
          continue;
        }
        start = block.start;
        prefix = block.prefix;
      }
      starts[v4Entries.length] = start;
      prefixes[v4Entries.length] = prefix;
      v4Entries.push(entryAt(i));
    }
    const v4 = new IntervalIndex<number, E>(sweepIpv4Blocks(starts, prefixes, v4Entries, v4Entries.length));
    return { v4, v6: new IntervalIndex(v6) };
  }

  /** Blocks whose entry is their own text. */
  static of(cidrs: readonly string[]): CidrIndex<string> {
    return new CidrIndex({ count: cidrs.length, cidr: (i) => cidrs[i]!, entry: (i) => cidrs[i]! });
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** The most specific block holding the address, or undefined (also for text that is not an address). */
  match(address: string): E | undefined {
    const v4 = parseIpv4(address);
    if (v4 >= 0) return this.v4.size === 0 ? undefined : this.v4.find(v4);
    const v6 = parseIpv6(address);
    if (v6 === undefined) return undefined;
    const mapped = mappedIpv4(v6);
    return mapped >= 0 ? this.v4.find(mapped) : this.v6.find(v6);
  }

  matchIpv4(value: number): E | undefined {
    return this.v4.find(value);
  }
}
