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

/**
 * Where the connection name starts (after the last '/') when it is a safe name (isSafeName), else
 * -1 (also when there is no '/'). One backward walk over the name's few characters finds the '/'
 * and judges them: `lastIndexOf('/')` was a call into V8's C++ runtime (~4% of a distinct-case
 * decision in perf, with the code that enters it), and isSafeName then read the same characters again.
 */
function safeNameStart(id: string): number {
  let dots = 0;
  let unsafe = false;
  let wide = false;
  let i = id.length - 1;
  for (; i >= 0; i--) {
    const c = id.charCodeAt(i);
    if (c === 47) break;
    if (c > 126) wide = true;
    // Space and controls, '#', '%', '?', '\\' (FORBIDDEN_IN_ID's ASCII).
    else if (c <= 32 || c === 35 || c === 37 || c === 63 || c === 92) unsafe = true;
    else if (c === 46) dots++;
  }
  if (i < 0) return -1;
  const start = i + 1;
  // Any other character is judged by FORBIDDEN_IN_ID itself.
  if (wide) return isSafeName(id, start) ? start : -1;
  const length = id.length - start;
  return unsafe || length === 0 || (dots === length && dots <= 2) ? -1 : start;
}

/** parseArmId refuses longer IDs; the fast path must not accept what the full parse refuses. */
const MAX_ID_LENGTH = 2048;
const KEY_CHARS = 8;
/** '/privateEndpointConnections' (ARM's usual collection), skipped to reach the target's own name. */
const COLLECTION_SEGMENT = 1 + 26;

/**
 * A small integer from the head's length (`last`) and a few characters before its collection
 * segment: the end of the target's name when the collection is ARM's usual one. Any function of
 * the head would do; this one tells targets apart and reads eight characters.
 */
function headKey(id: string, last: number): number {
  const end = last > COLLECTION_SEGMENT ? last - COLLECTION_SEGMENT : 0;
  let key = last;
  for (let i = end > KEY_CHARS ? end - KEY_CHARS : 0; i < end; i++) key = (key * 31 + id.charCodeAt(i)) & 0x3fffffff;
  return key;
}

/** A head seen before (everything before a connection name) and its target; `next` shares its key. */
interface SeenHead {
  head: string;
  resolved: ResolvedTarget;
  next: SeenHead | undefined;
  /**
   * On the first head of a key that more than CHAIN_LIMIT heads share: all of them by their text.
   * The key reads a few characters only, so targets named alike (`pls00000-westeurope`, …, or one
   * name in many resource groups) share one, and a chain made each decision linear in the
   * targets seen (199 µs a decision for 5,000 of them, found by review).
   */
  crowd: Map<string, SeenHead> | undefined;
}

/** Past this many heads on one key, the key's heads are found by their text in a Map. */
const CHAIN_LIMIT = 8;

/** The target of `head` among the heads of one key (`first` first): at most CHAIN_LIMIT compares. */
function findHead(first: SeenHead, head: string): ResolvedTarget | undefined {
  if (first.crowd !== undefined) return first.crowd.get(head)?.resolved;
  // slice + === is a memcmp; startsWith measured several times slower on long IDs.
  for (let seen: SeenHead | undefined = first; seen !== undefined; seen = seen.next) if (seen.head === head) return seen.resolved;
  return undefined;
}

/** Remembers `head` under `key` (it was not found there). */
function rememberHead(byKey: Map<number, SeenHead>, key: number, head: string, resolved: ResolvedTarget): void {
  const first = byKey.get(key);
  const added: SeenHead = { head: flatCopy(head), resolved, next: undefined, crowd: undefined };
  if (first?.crowd !== undefined) {
    first.crowd.set(added.head, added);
    return;
  }
  added.next = first;
  let length = 0;
  for (let seen = first; seen !== undefined; seen = seen.next) length++;
  if (length >= CHAIN_LIMIT) {
    added.crowd = new Map();
    for (let seen: SeenHead | undefined = added; seen !== undefined; seen = seen.next) added.crowd.set(seen.head, seen);
  }
  byKey.set(key, added);
}

/**
 * The text as a string of its own. A slice points into the ID it was cut from, so comparing with
 * it reads that ID's memory too: on distinct cases each such hop is a cache miss.
 */
function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
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
  const resolvedByHead = new Map<number, SeenHead>();
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
    // last segment (no string hash), then confirmed by comparing everything before the name (the
    // target and the collection segment as that target's connections spelled it) in one compare.
    const last = connectionId.length <= MAX_ID_LENGTH ? safeNameStart(connectionId) - 1 : -1;
    const fast = last > 0;
    if (fast) {
      const first = resolvedByHead.get(headKey(connectionId, last));
      if (first !== undefined) {
        const found = findHead(first, connectionId.slice(0, last));
        if (found !== undefined) return found;
      }
    }
    const target = targetOfConnectionId(connectionId);
    if (!target.ok) return { error: target.error };
    const resolved: ResolvedTarget = { target: target.id.text, plan: plan(target.id.key) };
    // Remembered when the ID is in canonical form: then any safe name after the same head parses
    // to the same target (the full parse has checked the collection segment).
    const collectionStart = fast ? connectionId.lastIndexOf('/', last - 1) : -1;
    if (collectionStart > 0 && connectionId.slice(0, collectionStart) === target.id.text) {
      if (resolvedCount >= MAX_MEMO) {
        resolvedByHead.clear();
        resolvedCount = 0;
      }
      rememberHead(resolvedByHead, headKey(connectionId, last), connectionId.slice(0, last), resolved);
      resolvedCount++;
    }
    return resolved;
  };

  return { plan, resolveConnection };
}
