/** Test oracle: src/policy/subnet-match.ts as it was before issue 12's evaluation work (see evaluate.ts here). */
import type { SubnetMatcher } from './compile-policies.js';
import type { EndpointView } from './case-context.js';

/**
 * The first subnet entry the endpoint matches: its IPs against the CIDR blocks (a number and a
 * binary search), then its subnet ID against the patterns, skipped at once when the subnet's
 * subscription is not one any pattern names.
 */
export function matchSubnet(matcher: SubnetMatcher, endpoint: EndpointView): string | undefined {
  if (matcher.cidrs.size > 0) {
    const ips = endpoint.ipAddresses;
    for (let i = 0; i < ips.length; i++) {
      const block = endpoint.cidrOf(matcher.cidrs, i);
      if (block !== undefined) return `endpoint IP ${ips[i]!} is in ${block}`;
    }
  }
  if (endpoint.subnetId !== undefined && matcher.patterns.size > 0) {
    const subscriptions = matcher.patterns.subscriptions;
    if (subscriptions !== undefined) {
      const subscription = endpoint.subnetSubscription();
      if (subscription === undefined || !subscriptions.has(subscription)) return undefined;
    }
    const key = endpoint.subnetKey();
    if (key !== undefined) {
      const entry = matcher.patterns.findFirst(key);
      if (entry !== undefined) return `endpoint subnet ${endpoint.subnetId} matches ${entry}`;
    }
  }
  return undefined;
}
