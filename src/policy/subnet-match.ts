/**
 * Whether the consumer endpoint falls under a subnet condition (trustedSubnets, deny.subnets), and
 * which entry it matched, for the reason.
 */
import type { SubnetMatcher } from './compile-policies.js';
import type { CaseContext } from './case-context.js';

/**
 * The first subnet entry the endpoint (already read: ctx.endpointReadable()) matches: its IPs
 * against the CIDR blocks (a number and a binary search), then its subnet ID against the
 * patterns, skipped at once when the subnet's subscription is not one any pattern names.
 */
export function matchSubnet(matcher: SubnetMatcher, ctx: CaseContext): string | undefined {
  if (matcher.cidrs.size > 0) {
    const ips = ctx.ipAddresses;
    for (let i = 0; i < ips.length; i++) {
      const block = ctx.cidrOf(matcher.cidrs, i);
      if (block !== undefined) return `endpoint IP ${ips[i]!} is in ${block}`;
    }
  }
  const subnetId = ctx.subnetId;
  if (subnetId !== undefined && matcher.patterns.size > 0) {
    const subscriptions = matcher.patterns.subscriptions;
    if (subscriptions !== undefined) {
      const subscription = ctx.subnetSubscription();
      if (subscription === undefined || !subscriptions.has(subscription)) return undefined;
    }
    const key = ctx.subnetKey();
    if (key !== undefined) {
      const entry = matcher.patterns.findFirst(key);
      if (entry !== undefined) return `endpoint subnet ${subnetId} matches ${entry}`;
    }
  }
  return undefined;
}
