/**
 * CIDR lookup: one address against N ranges, IPv4 and IPv6, linkgate's CidrIndex (disjoint sorted
 * segments, one binary search) against cidr-matcher and a plain ipaddr.js loop over the ranges,
 * same ranges and addresses in the same run. All three must agree before speeds are compared.
 */
import CIDRMatcher from 'cidr-matcher';
import ipaddr from 'ipaddr.js';
import type { BenchReporter } from './run.js';
import { CidrIndex } from '../src/net/cidr-index.js';
import { bigPolicySet, seeded } from './big-policy-set.js';
import { formatRateFigure, nsPerCall, ratePerSecond } from './stats.js';

function ipv6Ranges(count: number, random: () => number): string[] {
  const seen = new Set<string>();
  while (seen.size < count) {
    const hex = () => Math.floor(random() * 0x10000).toString(16);
    seen.add(`fd${Math.floor(random() * 256).toString(16).padStart(2, '0')}:${hex()}:${hex()}:${hex()}::/64`);
  }
  return [...seen];
}

export async function run(report: BenchReporter): Promise<void> {
  report.section('CIDR lookup');
  const random = seeded(3);
  const v4 = bigPolicySet({ subscriptions: 1, cidrs: 100_000, subnets: 0 }).cidrs;
  const v6 = ipv6Ranges(100_000, random);
  const v4Addresses = Array.from({ length: 10_000 }, () => `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`);
  // Half inside a range (the range's prefix plus a random host part), half random.
  const v6Addresses = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? v6[Math.floor(random() * 1_000)]!.replace('::/64', `:${Math.floor(random() * 0xffff).toString(16)}::1`) : `fd00:${Math.floor(random() * 0xffff).toString(16)}::1`));
  report.line('One address looked up against N ranges (median lookups/s, 25th–75th percentile). cidr-matcher and the ipaddr.js loop are checked to agree with linkgate on 1,000 addresses per row first.');
  report.line('');
  report.line('| family | ranges | linkgate CidrIndex | cidr-matcher | ipaddr.js loop | linkgate vs cidr-matcher / ipaddr.js |');
  report.line('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [family, all, addresses] of [['IPv4', v4, v4Addresses], ['IPv6', v6, v6Addresses]] as const) {
    for (const size of [1_000, 10_000, 100_000]) {
      const ranges = all.slice(0, size);
      const index = CidrIndex.of(ranges);
      const matcher = new CIDRMatcher(ranges);
      const parsed = ranges.map((r) => ipaddr.parseCIDR(r));
      const loop = (address: string): boolean => {
        const ip = ipaddr.parse(address);
        for (const range of parsed) if (ip.kind() === range[0].kind() && ip.match(range)) return true;
        return false;
      };
      for (const a of addresses.slice(0, 1_000)) {
        const ours = index.match(a) !== undefined;
        if (ours !== matcher.contains(a) || ours !== loop(a)) throw new Error(`${family} ${size}: disagreement on ${a}`);
      }
      let i = 0;
      const ourFigure = await nsPerCall(() => {
        for (let k = 0; k < 100; k++) index.match(addresses[(i = (i + 1) % addresses.length)]!);
      });
      const slowBatch = size >= 100_000 ? 1 : size >= 10_000 ? 2 : 10;
      let j = 0;
      const peerFigure = await nsPerCall(() => {
        for (let k = 0; k < slowBatch; k++) matcher.contains(addresses[(j = (j + 1) % addresses.length)]!);
      });
      let m = 0;
      const loopFigure = await nsPerCall(() => {
        for (let k = 0; k < slowBatch; k++) loop(addresses[(m = (m + 1) % addresses.length)]!);
      });
      const ours = ratePerSecond(ourFigure, 100);
      report.line(
        `| ${family} | ${size.toLocaleString('en')} | ${formatRateFigure(ourFigure, 100)} | ${formatRateFigure(peerFigure, slowBatch)} | ${formatRateFigure(loopFigure, slowBatch)} | ${(ours / ratePerSecond(peerFigure, slowBatch)).toFixed(0)}× / ${(ours / ratePerSecond(loopFigure, slowBatch)).toFixed(0)}× |`,
      );
    }
  }
}
