/**
 * Which deny CIDR makes a trusted CIDR dead: the first deny entry (in list order) holding every
 * address of the trusted block. Asked for every trusted entry, so it must not scan the deny list
 * each time (100,000 trusted × 100,000 denied would never finish): deny blocks are grouped by
 * prefix length, and a trusted block is looked up once per prefix length present that is no
 * longer than its own, with its address cut to that length.
 */
import type { Cidr } from '../net/cidr.js';

export interface DenyCidr {
  entry: string;
  cidr: Cidr;
}

export class DenyCidrCover {
  /** Per family and prefix length: block start → position of its first listing. */
  private readonly v4 = new Map<number, Map<number, number>>();
  private readonly v6 = new Map<number, Map<bigint, number>>();
  private readonly v4Prefixes: number[];
  private readonly v6Prefixes: number[];

  constructor(private readonly denied: readonly DenyCidr[]) {
    denied.forEach(({ cidr }, position) => {
      if (cidr.version === 4) {
        const byStart = this.v4.get(cidr.prefix) ?? new Map<number, number>();
        if (!byStart.has(cidr.start)) byStart.set(cidr.start, position);
        this.v4.set(cidr.prefix, byStart);
      } else {
        const byStart = this.v6.get(cidr.prefix) ?? new Map<bigint, number>();
        if (!byStart.has(cidr.start)) byStart.set(cidr.start, position);
        this.v6.set(cidr.prefix, byStart);
      }
    });
    this.v4Prefixes = [...this.v4.keys()].sort((a, b) => a - b);
    this.v6Prefixes = [...this.v6.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.denied.length;
  }

  /** The first deny entry holding the IPv4 block [start, start + 2^(32 - prefix)). */
  coverIpv4(start: number, prefix: number): DenyCidr | undefined {
    let first = -1;
    for (const q of this.v4Prefixes) {
      if (q > prefix) break;
      const size = 2 ** (32 - q);
      const position = this.v4.get(q)!.get(Math.floor(start / size) * size);
      if (position !== undefined && (first < 0 || position < first)) first = position;
    }
    return first < 0 ? undefined : this.denied[first];
  }

  cover(cidr: Cidr): DenyCidr | undefined {
    if (cidr.version === 4) return this.coverIpv4(cidr.start, cidr.prefix);
    let first = -1;
    for (const q of this.v6Prefixes) {
      if (q > cidr.prefix) break;
      const position = this.v6.get(q)!.get(cidr.start & ~((1n << BigInt(128 - q)) - 1n));
      if (position !== undefined && (first < 0 || position < first)) first = position;
    }
    return first < 0 ? undefined : this.denied[first];
  }
}
