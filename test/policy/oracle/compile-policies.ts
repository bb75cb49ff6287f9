/**
 * Test oracle: src/policy/compile-policies.ts as it was at 9dc7840, before issue 12's loading and
 * evaluation work, with what it needs from src/net, src/ids and src/policy at that commit copied
 * beside it (cidr-index, interval-index, sweep/sort-ipv4-blocks, cidr, ip-address, id-pattern,
 * arm-id, guid, regex-safety), so that the oracle compiles as well as evaluates with the old code:
 * the subnet-list scan, the fast pattern compiler, the CIDR sweep, the pattern buckets, the
 * subscription index and the target memo of src/ are then checked, not shared by both sides.
 *
 * Do not "fix", refactor or speed up anything in this folder, nor make it import from src/ (but for
 * types and the error-message helper): it is the reference the new code must equal. Changes
 * against 9dc7840 here: the target memo (resolveConnection), governs and requirements are left
 * out (the oracle resolves by a full parse and reads only plan), and the loader's memo of
 * compiled subnet patterns (subnet-pattern-memo.ts) is replaced by the compile it remembered,
 * which is what it gives for a set compiled without the loader.
 */
import { CidrIndex } from './cidr-index.js';
import { looksLikeCidr } from './cidr.js';
import { compileIdPattern, IdPatternIndex, type IdPattern } from './id-pattern.js';
import { checkRegex, type RequestMessageMatcher } from './regex-safety.js';
import type { CaseRequirements, Otherwise, PolicyMode, PolicySet } from '../../../src/policy/types.js';

/** Subnet conditions: ARM subnet ID patterns and CIDR blocks, each reporting the entry that matched. */
export interface SubnetMatcher {
  size: number;
  patterns: IdPatternIndex<string>;
  cidrs: CidrIndex<string>;
}

export interface CompiledPolicy {
  name: string;
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

/** Which policies govern one target: computed once per target and memoised. */
export interface TargetPlan {
  enforce: CompiledPolicy[];
  audit: CompiledPolicy[];
  needs: CaseRequirements;
}

export interface CompiledPolicySet {
  revision: string;
  policyNames: string[];
  policies: CompiledPolicy[];
  /** Governing policies of a target key (memoised). */
  plan(targetKey: string): TargetPlan;
}

const NO_NEEDS: CaseRequirements = Object.freeze({ endpoint: false, tenant: false, targetConnections: false });
const MAX_MEMO = 100_000;

function lowerSet(values: readonly string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => v.toLowerCase()));
}

export function compileSubnetMatcher(entries: readonly string[] | undefined): SubnetMatcher {
  const patterns: Array<{ pattern: IdPattern; entry: string }> = [];
  const cidrs: string[] = [];
  const list = entries ?? [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (looksLikeCidr(entry)) {
      cidrs.push(entry);
    } else {
      const compiled = compileIdPattern(entry);
      if (compiled.ok) patterns.push({ pattern: compiled.pattern, entry });
    }
  }
  return { size: patterns.length + cidrs.length, patterns: new IdPatternIndex(patterns), cidrs: CidrIndex.of(cidrs) };
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
  const targetIndex = new IdPatternIndex(policies.flatMap((policy) => policy.targets.map((pattern) => ({ pattern, entry: policy }))));
  const plans = new Map<string, TargetPlan>();

  const plan = (targetKey: string): TargetPlan => {
    let found = plans.get(targetKey);
    if (found !== undefined) return found;
    const governing = new Set(targetIndex.findAll(targetKey));
    const ordered = policies.filter((p) => governing.has(p));
    const enforce = ordered.filter((p) => p.mode === 'enforce');
    const audit = ordered.filter((p) => p.mode === 'audit');
    const needs =
      ordered.length === 0
        ? NO_NEEDS
        : {
            endpoint: ordered.some((p) => p.needs.endpoint),
            tenant: ordered.some((p) => p.needs.tenant),
            targetConnections: ordered.some((p) => p.needs.targetConnections),
          };
    found = { enforce, audit, needs };
    if (plans.size >= MAX_MEMO) plans.clear();
    plans.set(targetKey, found);
    return found;
  };

  return {
    revision: set.revision,
    policyNames: policies.map((p) => p.name),
    policies,
    plan,
  };
}
