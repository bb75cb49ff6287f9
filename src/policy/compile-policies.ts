/**
 * Compiles a validated policy set once into lookup structures, so that deciding a connection is a
 * handful of hash and binary-search lookups however large the lists grow:
 * subscriptions and tenants in hash sets, CIDRs as sorted disjoint intervals (CidrIndex), ARM ID
 * patterns bucketed by their literal prefix (IdPatternIndex), the request-message regex compiled.
 */
import { CidrIndex } from '../net/cidr-index.js';
import { compileIdPattern, type IdPatternIndex, type IdPattern } from '../ids/id-pattern.js';
import { checkRegex, type RequestMessageMatcher } from './regex-safety.js';
import { scanSubnetList } from './subnet-list-scan.js';
import { indexSubscriptions, type SubscriptionIndex } from './subscription-index.js';
import { targetResolver, type TargetPlan, type TargetResolution } from './resolve-target.js';
import type { CaseRequirements, Otherwise, PolicyMode, PolicySet } from './types.js';

/** Subnet conditions: ARM subnet ID patterns and CIDR blocks, each reporting the entry that matched. */
export interface SubnetMatcher {
  size: number;
  patterns: IdPatternIndex<string>;
  cidrs: CidrIndex<string>;
}

export interface CompiledPolicy {
  name: string;
  /** Place in name order: the policy's key in the set's SubscriptionIndex. */
  position: number;
  file: string;
  mode: PolicyMode;
  targets: IdPattern[];
  /** undefined: no visibility list; 'all': "*". */
  visibility: Set<string> | 'all' | undefined;
  autoApproval: Set<string>;
  trustedSubnets: SubnetMatcher;
  trustedTenants: Set<string>;
  denySubscriptions: Set<string>;
  denyTenants: Set<string>;
  denySubnets: SubnetMatcher;
  requestMessage: RequestMessageMatcher | undefined;
  connectionLimit: number | undefined;
  otherwise: Otherwise;
  needs: CaseRequirements;
}

export type { ResolvedTarget, TargetPlan, TargetResolution } from './resolve-target.js';

export interface CompiledPolicySet {
  revision: string;
  policyNames: string[];
  policies: CompiledPolicy[];
  /** Every listed subscription with the lists that name it, for one lookup per decision. */
  subscriptions: SubscriptionIndex;
  /** True when some policy (enforce or audit) governs the target (an ArmId.key). */
  governs(targetKey: string): boolean;
  /** What the target's policies need read from ARM beyond the connection. */
  requirements(targetKey: string): CaseRequirements;
  /** Governing policies of a target key (memoised). */
  plan(targetKey: string): TargetPlan;
  /** The target of a connection ID and its plan, by a fast path for IDs seen before. */
  resolveConnection(connectionId: string): TargetResolution;
}

function lowerSet(values: readonly string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => v.toLowerCase()));
}

export function compileSubnetMatcher(entries: readonly string[] | undefined): SubnetMatcher {
  // The loader's scan of the very same list when there is one (its blocks parsed and sorted, its
  // patterns compiled); a list built by hand is scanned here.
  const list = entries ?? [];
  const scanned = scanSubnetList(list) ?? scanSubnetList(list.filter((entry) => typeof entry === 'string'))!;
  // The scan's pattern index as it is (nothing changes an index once built).
  return { size: scanned.patterns.length + scanned.cidrEntries, patterns: scanned.patternIndex, cidrs: new CidrIndex(scanned.blocks) };
}

/** The loader has proven the pattern compiles; one that does not (a set built by hand) never approves. */
function compileRequestMessage(source: string | undefined): RequestMessageMatcher | undefined {
  if (source === undefined) return undefined;
  const check = checkRegex(source);
  return check.ok ? check.regex : { source, test: () => false };
}

function compileOne(file: string, document: PolicySet['policies'][number]['document']): CompiledPolicy {
  const visibility = document.visibility === undefined ? undefined : document.visibility.includes('*') ? ('all' as const) : lowerSet(document.visibility);
  const trustedSubnets = compileSubnetMatcher(document.trustedSubnets);
  const denySubnets = compileSubnetMatcher(document.deny?.subnets);
  const trustedTenants = lowerSet(document.trustedTenants);
  const denyTenants = lowerSet(document.deny?.tenants);
  const targets: IdPattern[] = [];
  for (const text of document.targets) {
    const compiled = compileIdPattern(text);
    if (compiled.ok) targets.push(compiled.pattern);
  }
  return {
    name: document.name,
    position: -1,
    file,
    mode: document.mode ?? 'enforce',
    targets,
    visibility,
    autoApproval: lowerSet(document.autoApproval),
    trustedSubnets,
    trustedTenants,
    denySubscriptions: lowerSet(document.deny?.subscriptions),
    denyTenants,
    denySubnets,
    requestMessage: compileRequestMessage(document.requestMessage),
    connectionLimit: document.connectionLimit,
    otherwise: document.otherwise ?? 'manual',
    needs: {
      endpoint: trustedSubnets.size > 0 || denySubnets.size > 0,
      tenant: trustedTenants.size > 0 || denyTenants.size > 0,
      targetConnections: document.connectionLimit !== undefined,
    },
  };
}

export function compilePolicies(set: PolicySet): CompiledPolicySet {
  // Name order makes "the deciding policy" deterministic when several rank equally.
  const policies = set.policies.map((p) => compileOne(p.file, p.document)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  policies.forEach((p, i) => (p.position = i));
  const { plan, resolveConnection } = targetResolver(policies);

  return {
    revision: set.revision,
    policyNames: policies.map((p) => p.name),
    policies,
    subscriptions: indexSubscriptions(policies),
    governs: (targetKey) => {
      const p = plan(targetKey);
      return p.enforce.length > 0 || p.audit.length > 0;
    },
    requirements: (targetKey) => plan(targetKey).needs,
    plan,
    resolveConnection,
  };
}
