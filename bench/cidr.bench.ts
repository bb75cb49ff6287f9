/** CIDR lookup: linkgate's sorted-interval index against cidr-matcher, same ranges and addresses, same run. */
import CIDRMatcher from 'cidr-matcher';
import type { BenchReporter } from './run.js';
import { CidrIndex } from '../src/net/cidr-index.js';
import { bigPolicySet, seeded } from './big-policy-set.js';
import { formatRate, measure } from './measure.js';

export async function run(report: BenchReporter): Promise<void> {
  report.section('cidr: lookup of one IPv4 address in N ranges');
  const { cidrs } = bigPolicySet({ subscriptions: 1, cidrs: 100_000, subnets: 0 });
  const random = seeded(3);
  const addresses = Array.from({ length: 10_000 }, () => `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`);
  report.line('| ranges | linkgate CidrIndex | cidr-matcher | speed-up | build (linkgate / cidr-matcher) |');
  report.line('| ---: | ---: | ---: | ---: | ---: |');
  for (const size of [1_000, 10_000, 100_000]) {
    const ranges = cidrs.slice(0, size);
    let t = process.hrtime.bigint();
    const index = CidrIndex.of(ranges);
    const buildOurs = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    const matcher = new CIDRMatcher(ranges);
    const buildPeer = Number(process.hrtime.bigint() - t) / 1e6;
    // Both must agree before their speed means anything.
    for (const a of addresses.slice(0, 2000)) {
      if ((index.match(a) !== undefined) !== matcher.contains(a)) throw new Error(`disagreement on ${a}`);
    }
    const ours = measure('ours', 500_000, (i) => {
      index.match(addresses[i % addresses.length]!);
    });
    const peerIterations = size >= 100_000 ? 20_000 : 100_000;
    const peer = measure('cidr-matcher', peerIterations, (i) => {
      matcher.contains(addresses[i % addresses.length]!);
    });
    report.line(`| ${size.toLocaleString('en')} | ${formatRate(ours.perSecond)} | ${formatRate(peer.perSecond)} | ${(ours.perSecond / peer.perSecond).toFixed(1)}× | ${buildOurs.toFixed(0)} ms / ${buildPeer.toFixed(0)} ms |`);
  }
}
