/**
 * Whether the consumer endpoint falls under a subnet condition (trustedSubnets, deny.subnets), and
 * which entry it matched, for the reason.
 */
import type { SubnetMatcher } from './compile-policies.js';
import type { CaseContext } from './case-context.js';
import * as text from './reason-text.js';

/**
 * The first subnet entry the endpoint (already read: ctx.endpointReadable()) matches: its IPs
 * against the CIDR blocks (a number and a binary search), then its subnet ID against the
 * patterns, skipped at once when the subnet's subscription is not one any pattern names.
 * `position` and `listFlag` say which policy and list `matcher` is, in the SubscriptionIndex.
 */
export function matchSubnet(matcher: SubnetMatcher, ctx: CaseContext, position: number, listFlag: number): string | undefined {
  if (matcher.cidrs.size > 0) {
    const ips = ctx.ipAddresses;
    for (let i = 0; i < ips.length; i++) {
      const block = ctx.cidrOf(matcher.cidrs, i);
      if (block !== undefined) return text.ipInBlock(ips[i]!, block);
    }
  }
  const subnetId = ctx.subnetId;
  if (subnetId !== undefined && matcher.patterns.size > 0) {
    // patterns.subscriptions, as the set's SubscriptionIndex holds it (listFlag).
    if (matcher.patterns.subscriptions !== undefined && (ctx.subnetSubscriptionFlags(position) & listFlag) === 0) return undefined;
    const key = ctx.subnetKey();
    if (key !== undefined) {
      const entry = matcher.patterns.findFirst(key);
      if (entry !== undefined) return text.subnetMatches(subnetId, entry);
    }
  }
  return undefined;
}
