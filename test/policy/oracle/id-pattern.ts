/** Test oracle: src/ids/id-pattern.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * ARM resource ID patterns, as policy `targets` and subnet entries use them: `*` stands for one
 * path segment (or, inside a segment, any run of characters in it: `pls-*`), `**` for any number
 * of segments, zero included. Matching is case-insensitive, like ARM. Many patterns are indexed
 * by their literal leading segments so that a lookup touches only the candidates that can match.
 */
import { isGuid } from './guid.js';
import { FORBIDDEN_IN_ID, parseArmId } from './arm-id.js';

type SegmentMatcher = { kind: 'literal'; text: string } | { kind: 'any' } | { kind: 'glob'; regex: RegExp } | { kind: 'deep' };

export interface IdPattern {
  /** The pattern as its author wrote it. */
  text: string;
  /** Lower-case literal segments before the first wildcard, joined with '/', with a leading '/'. */
  prefix: string;
  prefixSegments: number;
  /** The whole pattern when it has no wildcard: then a match is a string comparison. */
  literal: string | undefined;
  /** When everything after the prefix is `*` segments: how many (a match is then a segment count). */
  anyTail: number | undefined;
  segments: SegmentMatcher[];
}

export type IdPatternResult = { ok: true; pattern: IdPattern } | { ok: false; error: string };

/** Shared: they carry no state, and 10,000 patterns need not allocate one each. */
const ANY: SegmentMatcher = { kind: 'any' };
const DEEP: SegmentMatcher = { kind: 'deep' };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

export function compileIdPattern(input: unknown): IdPatternResult {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, error: 'must be a non-empty string' };
  if (input.length > 2048) return { ok: false, error: 'longer than 2048 characters' };
  if (FORBIDDEN_IN_ID.test(input)) return { ok: false, error: 'contains a query, fragment, percent-encoding, backslash, space or control character' };
  if (!input.startsWith('/')) return { ok: false, error: "must start with '/subscriptions/'" };
  const raw = (input.endsWith('/') ? input.slice(0, -1) : input).slice(1).split('/');
  // One pass over the segments for the three whole-pattern checks; reported in the same order as
  // before (empty segment, then dot segment), since policies load 10,000 of these at a time.
  let hasEmpty = false;
  let hasDot = false;
  let hasWildcard = false;
  for (const s of raw) {
    if (s.length === 0) hasEmpty = true;
    else if (s === '.' || s === '..') hasDot = true;
    else if (s.includes('*')) hasWildcard = true;
  }
  if (hasEmpty) return { ok: false, error: "has an empty path segment ('//')" };
  if (hasDot) return { ok: false, error: "has a '.' or '..' segment" };
  if (raw[0]?.toLowerCase() !== 'subscriptions') return { ok: false, error: "must start with '/subscriptions/'" };
  const subscription = raw[1];
  if (subscription !== undefined && !subscription.includes('*') && !isGuid(subscription)) {
    return { ok: false, error: `subscription '${subscription}' is not a GUID or a wildcard` };
  }
  if (!hasWildcard) {
    const parsed = parseArmId(input);
    if (!parsed.ok) return { ok: false, error: `not an ARM resource ID: ${parsed.error}` };
    return { ok: true, pattern: { text: input, prefix: parsed.id.key, prefixSegments: raw.length, literal: parsed.id.key, anyTail: undefined, segments: raw.map((s) => ({ kind: 'literal', text: s.toLowerCase() })) } };
  }
  const segments: SegmentMatcher[] = [];
  let deep = false;
  for (const segment of raw) {
    const lower = segment.toLowerCase();
    if (lower === '**') {
      if (segments[segments.length - 1]?.kind === 'deep') continue;
      segments.push(DEEP);
      deep = true;
    } else if (lower === '*') segments.push(ANY);
    else if (!lower.includes('*')) segments.push({ kind: 'literal', text: lower });
    else if (lower.includes('**')) return { ok: false, error: `'**' must be a whole segment, not part of '${segment}'` };
    else segments.push({ kind: 'glob', regex: new RegExp(`^${lower.split('*').map(escapeRegex).join('[^/]*')}$`, 'u') });
  }
  if (!deep && segments.length % 2 !== 0) {
    return { ok: false, error: 'an ARM resource ID has an even number of segments (type/name pairs); this pattern has an odd number' };
  }
  let prefixSegments = 0;
  let prefix = '';
  while (prefixSegments < segments.length) {
    const matcher = segments[prefixSegments]!;
    if (matcher.kind !== 'literal') break;
    prefix += '/' + matcher.text;
    prefixSegments++;
  }
  if (prefix === '') prefix = '/';
  let anyTail: number | undefined = segments.length - prefixSegments;
  for (let i = prefixSegments; i < segments.length; i++) {
    if (segments[i]!.kind !== 'any') {
      anyTail = undefined;
      break;
    }
  }
  return { ok: true, pattern: { text: input, prefix, prefixSegments, literal: undefined, anyTail, segments } };
}

function matchFrom(matchers: SegmentMatcher[], m: number, segments: readonly string[], s: number): boolean {
  for (; m < matchers.length; m++, s++) {
    const matcher = matchers[m]!;
    if (matcher.kind === 'deep') {
      if (m === matchers.length - 1) return true;
      for (let skip = s; skip <= segments.length; skip++) if (matchFrom(matchers, m + 1, segments, skip)) return true;
      return false;
    }
    const segment = segments[s];
    if (segment === undefined) return false;
    if (matcher.kind === 'literal' ? matcher.text !== segment : matcher.kind === 'glob' ? !matcher.regex.test(segment) : false) return false;
  }
  return s === segments.length;
}

/** Matches a normalised lower-case ID (ArmId.key) split into segments. */
export function matchIdSegments(pattern: IdPattern, keySegments: readonly string[]): boolean {
  if (pattern.literal !== undefined) return pattern.literal === '/' + keySegments.join('/');
  return matchFrom(pattern.segments, 0, keySegments, 0);
}

/**
 * Many patterns, each with a payload. `find` returns the payloads of every pattern matching an ID
 * key; literal patterns are one hash lookup, the rest are bucketed by their literal prefix.
 */
export class IdPatternIndex<E> {
  private readonly literals = new Map<string, E[]>();
  /**
   * Wildcard patterns bucketed by the last *name* segment of their literal prefix (a subscription,
   * group or resource name, never a fixed word like `subnets` that every pattern shares): hashing
   * that short segment and comparing the whole prefix with === is far cheaper than hashing a long ID.
   */
  private readonly byPrefixTail = new Map<string, Array<{ prefix: string; pattern: IdPattern; entry: E }>>();
  /** Prefix lengths (in segments) present, ascending. */
  private readonly prefixLengths: number[];
  /** Lower-case subscriptions every pattern is confined to; undefined when a pattern has a wildcard subscription. */
  readonly subscriptions: ReadonlySet<string> | undefined;
  readonly size: number;

  constructor(items: ReadonlyArray<{ pattern: IdPattern; entry: E }>) {
    const lengths = new Set<number>();
    let subscriptions: Set<string> | undefined = new Set<string>();
    for (const item of items) {
      const first = item.pattern.segments[1];
      if (first?.kind === 'literal') subscriptions?.add(first.text);
      else subscriptions = undefined;
      if (item.pattern.literal !== undefined) {
        const list = this.literals.get(item.pattern.literal) ?? [];
        list.push(item.entry);
        this.literals.set(item.pattern.literal, list);
      } else {
        const prefix = item.pattern.prefix;
        const tail = segmentOf(prefix, nameSegmentOf(item.pattern.prefixSegments));
        const list = this.byPrefixTail.get(tail);
        if (list === undefined) this.byPrefixTail.set(tail, [{ prefix, pattern: item.pattern, entry: item.entry }]);
        else list.push({ prefix, pattern: item.pattern, entry: item.entry });
        lengths.add(item.pattern.prefixSegments);
      }
    }
    this.prefixLengths = [...lengths].sort((a, b) => a - b);
    this.subscriptions = subscriptions;
    this.size = items.length;
  }

  /** The first matching entry that `accept` takes (default: any). `key` is an ArmId.key. */
  findFirst(key: string, accept: (entry: E) => boolean = () => true): E | undefined {
    if (this.literals.size > 0) {
      const exact = this.literals.get(key);
      if (exact !== undefined) for (const entry of exact) if (accept(entry)) return entry;
    }
    if (this.prefixLengths.length === 0) return undefined;
    let segments: string[] | undefined;
    for (const length of this.prefixLengths) {
      const start = nthSlash(key, nameSegmentOf(length) + 1);
      if (start < 0) break;
      const next = key.indexOf('/', start + 1);
      const candidates = this.byPrefixTail.get(key.slice(start + 1, next < 0 ? key.length : next));
      if (candidates === undefined) continue;
      const prefixEnd = nthSlash(key, length + 1);
      if (prefixEnd < 0 && nthSlash(key, length) < 0) break;
      const prefix = prefixEnd < 0 ? key : key.slice(0, prefixEnd);
      for (const candidate of candidates) {
        if (candidate.prefix !== prefix) continue;
        const anyTail = candidate.pattern.anyTail;
        if (anyTail !== undefined) {
          // Only `*` segments follow the prefix: a match is a count of the segments left, no split.
          if (countSlashes(key, prefix.length) === anyTail && accept(candidate.entry)) return candidate.entry;
          continue;
        }
        segments ??= key.slice(1).split('/');
        if (matchIdSegments(candidate.pattern, segments) && accept(candidate.entry)) return candidate.entry;
      }
    }
    return undefined;
  }

  findAll(key: string): E[] {
    const found: E[] = [];
    this.findFirst(key, (entry) => {
      found.push(entry);
      return false;
    });
    return found;
  }
}

/**
 * Index (0-based) of the last name segment within a prefix of `length` segments: in
 * subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}… names sit at odd indexes.
 */
function nameSegmentOf(length: number): number {
  return length % 2 === 0 ? length - 1 : Math.max(0, length - 2);
}

/** Segment `index` (0-based) of a '/'-led path, '' past its end: a split of the whole path, without the array. */
function segmentOf(path: string, index: number): string {
  const start = nthSlash(path, index + 1);
  if (start < 0) return '';
  const end = path.indexOf('/', start + 1);
  return path.slice(start + 1, end < 0 ? path.length : end);
}

function countSlashes(text: string, from: number): number {
  let count = 0;
  for (let i = from; i < text.length; i++) if (text.charCodeAt(i) === 47) count++;
  return count;
}

/** Index of the n-th '/' (1-based), or -1. */
function nthSlash(text: string, n: number): number {
  let index = -1;
  for (let i = 0; i < n; i++) {
    index = text.indexOf('/', index + 1);
    if (index < 0) return -1;
  }
  return index;
}
