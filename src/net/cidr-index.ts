/**
 * A set of CIDR blocks (IPv4 and IPv6) answering "which block holds this address?" with one
 * binary search. IPv4 keys are plain numbers so the common case never touches bigint.
 */
import { parseCidr, type Cidr } from './cidr.js';
import { mappedIpv4, parseIpv4, parseIpv6 } from './ip-address.js';
import { IntervalIndex } from './interval-index.js';

export class CidrIndex<E = string> {
  private readonly v4: IntervalIndex<number, E>;
  private readonly v6: IntervalIndex<bigint, E>;

  /** Entries whose CIDR does not parse are skipped: the loader has refused them already. */
  constructor(blocks: ReadonlyArray<{ cidr: string; entry: E }>) {
    const v4: { start: number; end: number; entry: E }[] = [];
    const v6: { start: bigint; end: bigint; entry: E }[] = [];
    for (const { cidr, entry } of blocks) {
      const parsed = parseCidr(cidr);
      if (!parsed.ok) continue;
      const block: Cidr = parsed.cidr;
      if (block.version === 4) v4.push({ start: block.start, end: block.end, entry });
      else v6.push({ start: block.start, end: block.end, entry });
    }
    this.v4 = new IntervalIndex(v4);
    this.v6 = new IntervalIndex(v6);
  }

  static of(cidrs: readonly string[]): CidrIndex<string> {
    return new CidrIndex(cidrs.map((cidr) => ({ cidr, entry: cidr })));
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
