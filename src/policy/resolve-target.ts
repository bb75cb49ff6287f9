/**
 * Which policies govern a connection's target, by a fast path for targets seen before: the plan
 * of a target key is computed once and memoised, and a connection ID is parsed in full only for a
 * target not seen before.
 */
import { FORBIDDEN_IN_ID, targetOfConnectionId } from '../ids/arm-id.js';
import { IdPatternIndex } from '../ids/id-pattern.js';
import type { CompiledPolicy } from './compile-policies.js';
import type { CaseRequirements } from './types.js';

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

const NO_NEEDS: CaseRequirements = Object.freeze({ endpoint: false, tenant: false, targetConnections: false });
const MAX_MEMO = 100_000;
const CONNECTION_COLLECTIONS = new Set(['privateendpointconnections', 'privateendpointconnectionproxies']);

const CONNECTIONS = 'privateEndpointConnections';
const PROXIES = 'privateEndpointConnectionProxies';

/** The segment between `from` and `to` is privateEndpointConnections or …Proxies, in any case. */
function isConnectionCollection(id: string, from: number, to: number): boolean {
  const length = to - from;
  if (length !== CONNECTIONS.length && length !== PROXIES.length) return false;
  // ARM spells it one way; compare exactly first (slice + === measured far cheaper than
  // startsWith at a position) and fall back to a case-insensitive check.
  const segment = id.slice(from, to);
  if (segment === CONNECTIONS || segment === PROXIES) return true;
  return CONNECTION_COLLECTIONS.has(segment.toLowerCase());
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

/** parseArmId refuses longer IDs; the fast path must not accept what the full parse refuses. */
const MAX_ID_LENGTH = 2048;
const TAIL_CHARS = 8;

/** A small integer from the prefix's length and its last characters (the target's name, usually). */
function tailKey(id: string, end: number): number {
  let key = end;
  for (let i = end > TAIL_CHARS ? end - TAIL_CHARS : 0; i < end; i++) key = (key * 31 + id.charCodeAt(i)) & 0x3fffffff;
  return key;
}

export interface TargetResolver {
  /** Governing policies of a target key (memoised). */
  plan(targetKey: string): TargetPlan;
  /** The target of a connection ID and its plan, by a fast path for IDs seen before. */
  resolveConnection(connectionId: string): TargetResolution;
}

/** `policies` in name order. */
export function targetResolver(policies: readonly CompiledPolicy[]): TargetResolver {
  const targetIndex = new IdPatternIndex(policies.flatMap((policy) => policy.targets.map((pattern) => ({ pattern, entry: policy }))));
  const plans = new Map<string, TargetPlan>();
  // Plans are shared by the targets the same policies govern: fewer objects for a decision to reach.
  const plansByPolicies = new Map<string, TargetPlan>();
  const resolvedByTail = new Map<number, ResolvedTarget[]>();
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
    const governingKey = ordered.map((p) => p.position).join(',');
    found = plansByPolicies.get(governingKey) ?? { enforce, audit, needs };
    if (plans.size >= MAX_MEMO) {
      plans.clear();
      plansByPolicies.clear();
    }
    plans.set(targetKey, found);
    plansByPolicies.set(governingKey, found);
    return found;
  };

  const resolveConnection = (connectionId: string): TargetResolution => {
    // Fast path for a target seen before: found by a number read from the characters before the
    // collection segment (no slice or string hash), then confirmed by comparing the whole prefix.
    const last = connectionId.lastIndexOf('/');
    const collectionStart = last > 0 ? connectionId.lastIndexOf('/', last - 1) : -1;
    const fast = collectionStart > 0 && connectionId.length <= MAX_ID_LENGTH && isConnectionCollection(connectionId, collectionStart + 1, last) && isSafeName(connectionId, last + 1);
    if (fast) {
      const candidates = resolvedByTail.get(tailKey(connectionId, collectionStart));
      if (candidates !== undefined) {
        const prefix = connectionId.slice(0, collectionStart);
        // slice + === is a memcmp; startsWith measured several times slower on long IDs.
        for (const hit of candidates) if (hit.target === prefix) return hit;
      }
    }
    const target = targetOfConnectionId(connectionId);
    if (!target.ok) return { error: target.error };
    const entry: ResolvedTarget = { target: target.id.text, plan: plan(target.id.key) };
    if (fast && connectionId.slice(0, collectionStart) === target.id.text) {
      if (resolvedCount >= MAX_MEMO) {
        resolvedByTail.clear();
        resolvedCount = 0;
      }
      const key = tailKey(connectionId, collectionStart);
      const list = resolvedByTail.get(key);
      if (list === undefined) resolvedByTail.set(key, [entry]);
      else list.push(entry);
      resolvedCount++;
    }
    return entry;
  };

  return { plan, resolveConnection };
}
