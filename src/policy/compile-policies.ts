/**
 * Compiles a validated policy set once into lookup structures, so that deciding a connection is a
 * handful of hash and binary-search lookups however large the lists grow:
 * subscriptions and tenants in hash sets, CIDRs as sorted disjoint intervals (CidrIndex), ARM ID
 * patterns bucketed by their literal prefix (IdPatternIndex), the request-message regex compiled.
 */
import { CidrIndex } from '../net/cidr-index.js';
import { looksLikeCidr } from '../net/cidr.js';
import { FORBIDDEN_IN_ID, targetOfConnectionId } from '../ids/arm-id.js';
import { compileIdPattern, IdPatternIndex, type IdPattern } from '../ids/id-pattern.js';
import { checkRegex, type RequestMessageMatcher } from './regex-safety.js';
import { compiledSubnetPattern } from './subnet-pattern-memo.js';
import type { CaseRequirements, Otherwise, PolicyMode, PolicySet } from './types.js';

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

export interface ResolvedTarget {
  /** Target ID text (original case), the connection ID less its last two segments. */
  target: string;
  plan: TargetPlan;
}

export type TargetResolution = ResolvedTarget | { error: string };

export interface CompiledPolicySet {
  revision: string;
  policyNames: string[];
  policies: CompiledPolicy[];
  /** True when some policy (enforce or audit) governs the target (an ArmId.key). */
  governs(targetKey: string): boolean;
  /** What the target's policies need read from ARM beyond the connection. */
  requirements(targetKey: string): CaseRequirements;
  /** Governing policies of a target key (memoised). */
  plan(targetKey: string): TargetPlan;
  /** The target of a connection ID and its plan, by a fast path for IDs seen before. */
  resolveConnection(connectionId: string): TargetResolution;
}

const NO_NEEDS: CaseRequirements = Object.freeze({ endpoint: false, tenant: false, targetConnections: false });
const MAX_MEMO = 100_000;
const CONNECTION_COLLECTIONS = new Set(['privateendpointconnections', 'privateendpointconnectionproxies']);

const CONNECTIONS = 'privateEndpointConnections';
const PROXIES = 'privateEndpointConnectionProxies';

/** The segment between `from` and `to` is privateEndpointConnections or …Proxies, in any case. */
function isConnectionCollection(id: string, from: number, to: number): boolean {
  const length = to - from;
  if (length !== CONNECTIONS.length && length !== PROXIES.length) return false;
  // ARM spells it one way; compare in place first (no slice) and fall back to a case-insensitive check.
  if (id.startsWith(length === CONNECTIONS.length ? CONNECTIONS : PROXIES, from)) return true;
  return CONNECTION_COLLECTIONS.has(id.slice(from, to).toLowerCase());
}

/**
 * A connection name as parseArmId accepts one: not '.' or '..', no separator or forbidden
 * character. Printable ASCII is judged by its code (a name is a few characters; the regex cost
 * more than the rest of the fast path); any other character goes to FORBIDDEN_IN_ID, the rule itself.
 */
function isSafeName(id: string, from: number): boolean {
  const end = id.length;
  if (end === from) return false;
  let dots = 0;
  for (let i = from; i < end; i++) {
    const c = id.charCodeAt(i);
    if (c > 126) return !FORBIDDEN_IN_ID.test(id.slice(from)) && !id.includes('/', from);
    // Space and controls, '#', '%', '/', '?', '\\' (FORBIDDEN_IN_ID's ASCII, and the separator).
    if (c <= 32 || c === 35 || c === 37 || c === 47 || c === 63 || c === 92) return false;
    if (c === 46) dots++;
  }
  return !(dots === end - from && dots <= 2);
}

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
      const compiled = compiledSubnetPattern(entry, list, i);
      if (compiled !== undefined) patterns.push({ pattern: compiled, entry });
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
  const resolvedByName = new Map<string, ResolvedTarget[]>();
  let resolvedCount = 0;

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

  const resolveConnection = (connectionId: string): TargetResolution => {
    // Fast path for a target seen before: found by its short last segment (cheap to hash), then
    // confirmed by comparing the whole prefix, so no long string is sliced or hashed per decision.
    const last = connectionId.lastIndexOf('/');
    const collectionStart = last > 0 ? connectionId.lastIndexOf('/', last - 1) : -1;
    const nameStart = collectionStart > 0 ? connectionId.lastIndexOf('/', collectionStart - 1) : -1;
    if (nameStart > 0 && isConnectionCollection(connectionId, collectionStart + 1, last) && isSafeName(connectionId, last + 1)) {
      const candidates = resolvedByName.get(connectionId.slice(nameStart + 1, collectionStart));
      if (candidates !== undefined) {
        const prefix = connectionId.slice(0, collectionStart);
        // slice + === is a memcmp; startsWith measured several times slower on long IDs.
        for (const hit of candidates) if (hit.target === prefix) return hit;
      }
    }
    const target = targetOfConnectionId(connectionId);
    if (!target.ok) return { error: target.error };
    const entry: ResolvedTarget = { target: target.id.text, plan: plan(target.id.key) };
    if (nameStart > 0 && connectionId.slice(0, collectionStart) === target.id.text) {
      if (resolvedCount >= MAX_MEMO) {
        resolvedByName.clear();
        resolvedCount = 0;
      }
      const name = connectionId.slice(nameStart + 1, collectionStart);
      const list = resolvedByName.get(name);
      if (list === undefined) resolvedByName.set(name, [entry]);
      else list.push(entry);
      resolvedCount++;
    }
    return entry;
  };

  return {
    revision: set.revision,
    policyNames: policies.map((p) => p.name),
    policies,
    governs: (targetKey) => {
      const p = plan(targetKey);
      return p.enforce.length > 0 || p.audit.length > 0;
    },
    requirements: (targetKey) => plan(targetKey).needs,
    plan,
    resolveConnection,
  };
}
