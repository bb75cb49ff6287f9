/**
 * A set of CIDR blocks (IPv4 and IPv6) answering "which block holds this address?" with one
 * binary search. IPv4 keys are plain numbers so the common case never touches bigint, and IPv4
 * blocks are parsed and sorted in typed arrays (a policy may list 100,000 of them).
 */
import { parseCidr, readIpv4Block } from './cidr.js';
import { mappedIpv4, parseIpv4, parseIpv6 } from './ip-address.js';
import { findIpv4Segment, IntervalIndex } from './interval-index.js';
import { sweepIpv4Blocks, type Ipv4Segments } from './sweep-ipv4-blocks.js';

/** Blocks read by position, so a caller holding parallel lists need not build an object per block. */
export interface IndexedBlocks<E> {
  count: number;
  cidr(i: number): string;
  entry(i: number): E;
}

/**
 * Blocks already parsed: IPv4 in listing order with their sweep order (sortIpv4Blocks), IPv6 as
 * intervals. Each entry is its block's own text, so blocks that differ never share an entry.
 */
export interface PreparedBlocks<E> {
  ipv4: { count: number; starts: Uint32Array; prefixes: Uint8Array; entries: readonly E[]; order: Uint32Array };
  ipv6: ReadonlyArray<{ start: bigint; end: bigint; entry: E }>;
}

export class CidrIndex<E = string> {
  private readonly v4: IntervalIndex<number, E>;
  private readonly v6: IntervalIndex<bigint, E>;
  /** The IPv4 segments as typed arrays, searched by findIpv4Segment (the hot lookup). */
  private readonly v4Starts: Uint32Array;
  private readonly v4Ends: Uint32Array;
  private readonly v4Entries: readonly E[];

  /**
   * Entries whose CIDR does not parse are skipped: the loader has refused them already. Or blocks
   * the loader parsed and sorted already (PreparedBlocks): then only the sweep is left to do.
   */
  constructor(blocks: ReadonlyArray<{ cidr: string; entry: E }> | IndexedBlocks<E> | PreparedBlocks<E>) {
    const index =
      'ipv4' in blocks
        ? CidrIndex.fromPrepared(blocks)
        : 'count' in blocks
          ? CidrIndex.build(blocks.count, (i) => blocks.cidr(i), (i) => blocks.entry(i))
          : CidrIndex.build(blocks.length, (i) => blocks[i]!.cidr, (i) => blocks[i]!.entry);
    this.v4 = index.v4;
    this.v6 = index.v6;
    this.v4Starts = index.segments.starts;
    this.v4Ends = index.segments.ends;
    this.v4Entries = index.segments.entries;
  }

  private static fromPrepared<E>(blocks: PreparedBlocks<E>): { v4: IntervalIndex<number, E>; v6: IntervalIndex<bigint, E>; segments: Ipv4Segments<E> } {
    const v4 = blocks.ipv4;
    const segments = sweepIpv4Blocks(v4.starts, v4.prefixes, v4.entries, v4.count, v4.order, true);
    return { v4: new IntervalIndex<number, E>(segments), v6: new IntervalIndex(blocks.ipv6), segments };
  }

  private static build<E>(count: number, cidrAt: (i: number) => string, entryAt: (i: number) => E): { v4: IntervalIndex<number, E>; v6: IntervalIndex<bigint, E>; segments: Ipv4Segments<E> } {
    const starts = new Uint32Array(count);
    const prefixes = new Uint8Array(count);
    const v4Entries: E[] = [];
    const v6: { start: bigint; end: bigint; entry: E }[] = [];
    for (let i = 0; i < count; i++) {
      const cidr = cidrAt(i);
      if (!readIpv4Block(cidr, starts, prefixes, v4Entries.length)) {
        const parsed = parseCidr(cidr);
        if (!parsed.ok) continue;
        const block = parsed.cidr;
        if (block.version === 6) {
          v6.push({ start: block.start, end: block.end, entry: entryAt(i) });
          continue;
        }
        starts[v4Entries.length] = block.start;
        prefixes[v4Entries.length] = block.prefix;
      }
      v4Entries.push(entryAt(i));
    }
    const segments = sweepIpv4Blocks(starts, prefixes, v4Entries, v4Entries.length);
    return { v4: new IntervalIndex<number, E>(segments), v6: new IntervalIndex(v6), segments };
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
    if (v4 >= 0) return this.matchIpv4(v4);
    const v6 = parseIpv6(address);
    if (v6 === undefined) return undefined;
    const mapped = mappedIpv4(v6);
    return mapped >= 0 ? this.matchIpv4(mapped) : this.v6.find(v6);
  }

  matchIpv4(value: number): E | undefined {
    const at = findIpv4Segment(this.v4Starts, this.v4Ends, value);
    return at < 0 ? undefined : this.v4Entries[at];
  }
}
