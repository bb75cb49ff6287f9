/**
 * The benchmark's policy set expressed in Cedar, evaluated through @cedar-policy/cedar-wasm, with
 * the facts passed the way Cedar users pass them: group membership as entity parents (the app
 * looks up which lists a subscription is on and sends it as the principal's parents, as it would
 * from its entity store), the governed target as the resource's parent, and the endpoint's IP
 * and subnet in the context, tested in the policies with Cedar's `ip` extension and `like`.
 * The policy set is pre-parsed once (statefulIsAuthorized), as a long-running service would.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { BigSet } from './big-policy-set.js';
import type { EvaluationCase } from '../src/policy/types.js';

const SET_ID = 'linkgate-bench';

function cedarString(text: string): string {
  return JSON.stringify(text);
}

/** Cedar text for one linkgate policy: deny → forbid; autoApproval / trustedSubnets → permit. */
function policyText(name: string, document: BigSet['set']['policies'][number]['document']): string {
  const governed = `resource in Governed::${cedarString(name)}`;
  const parts: string[] = [];
  for (const subscription of document.deny?.subscriptions ?? []) parts.push(`forbid(principal == Subscription::${cedarString(subscription.toLowerCase())}, action, ${governed});`);
  for (const block of (document.deny?.subnets ?? []).filter((s) => !s.startsWith('/'))) parts.push(`forbid(principal, action, ${governed}) when { context.ip.isInRange(ip(${cedarString(block)})) };`);
  parts.push(`permit(principal in AutoApproval::${cedarString(name)}, action, ${governed});`);
  const cidrs = (document.trustedSubnets ?? []).filter((s) => !s.startsWith('/'));
  const patterns = (document.trustedSubnets ?? []).filter((s) => s.startsWith('/'));
  const conditions = [...cidrs.map((c) => `context.ip.isInRange(ip(${cedarString(c)}))`), ...patterns.map((p) => `context.subnet like ${cedarString(p.toLowerCase())}`)];
  // Chunks of 25: a single `||` chain of 1,000 conditions nests too deep for cedar-wasm's evaluator.
  for (let i = 0; i < conditions.length; i += 25) parts.push(`permit(principal, action, ${governed}) when { ${conditions.slice(i, i + 25).join(' || ')} };`);
  return parts.join('\n');
}

export interface CedarPeer {
  version: string;
  /** true: Cedar allows (linkgate: approve). */
  allows(input: EvaluationCase): boolean;
}

export function cedarPeer(big: BigSet): CedarPeer {
  const text = big.set.policies.map((p) => policyText(p.document.name, p.document)).join('\n');
  const parsed = cedar.preparsePolicySet(SET_ID, { staticPolicies: text });
  if (parsed.type !== 'success') throw new Error(`Cedar refused the policy set: ${JSON.stringify(parsed.errors[0])}`);
  // The app's entity store: which lists each subscription is on, which policy governs each resource group.
  const memberships = new Map<string, string[]>();
  for (const p of big.set.policies) {
    for (const s of p.document.autoApproval ?? []) {
      const key = s.toLowerCase();
      memberships.set(key, [...(memberships.get(key) ?? []), p.document.name]);
    }
  }
  const governedBy = new Map(big.set.policies.map((p) => [/resourceGroups\/([^/]+)\//u.exec(p.document.targets[0]!)![1]!.toLowerCase(), p.document.name]));
  return {
    version: cedar.getCedarVersion(),
    allows(input) {
      const connection = input.connection as { id: string; properties: { privateEndpoint: { id: string } } };
      const endpoint = input.privateEndpoint as { properties: { subnet: { id: string }; ipConfigurations: Array<{ properties: { privateIPAddress: string } }> } };
      const consumer = connection.properties.privateEndpoint.id.split('/')[2]!.toLowerCase();
      const target = connection.id.split('/').slice(0, -2).join('/').toLowerCase();
      const group = /resourcegroups\/([^/]+)\//u.exec(target)?.[1] ?? '';
      const governing = governedBy.get(group);
      const answer = cedar.statefulIsAuthorized({
        principal: { type: 'Subscription', id: consumer },
        action: { type: 'Action', id: 'approve' },
        resource: { type: 'Target', id: target },
        context: { ip: { __extn: { fn: 'ip', arg: endpoint.properties.ipConfigurations[0]!.properties.privateIPAddress } }, subnet: endpoint.properties.subnet.id.toLowerCase() },
        preparsedPolicySetId: SET_ID,
        entities: [
          { uid: { type: 'Subscription', id: consumer }, attrs: {}, parents: (memberships.get(consumer) ?? []).map((id) => ({ type: 'AutoApproval', id })) },
          { uid: { type: 'Target', id: target }, attrs: {}, parents: governing === undefined ? [] : [{ type: 'Governed', id: governing }] },
        ],
      });
      if (answer.type !== 'success') throw new Error(`Cedar failed: ${JSON.stringify(answer.errors[0])}`);
      return answer.response.decision === 'allow';
    },
  };
}
