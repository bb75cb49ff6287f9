/**
 * ARM resource ID patterns, as policy `targets` and subnet entries use them: `*` stands for one
 * path segment (or, inside a segment, any run of characters in it: `pls-*`), `**` for any number
 * of segments, zero included. Matching is case-insensitive, like ARM. Many patterns are indexed
 * by their literal leading segments so that a lookup touches only the candidates that can match.
 */
import { isGuid } from './guid.js';
import { FORBIDDEN_IN_ID, parseArmId } from './arm-id.js';
import { compileTrailingWildcards } from './id-pattern-fast.js';

export type SegmentMatcher = { kind: 'literal'; text: string } | { kind: 'any' } | { kind: 'glob'; regex: RegExp } | { kind: 'deep' };

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
  const common = typeof input === 'string' ? compileTrailingWildcards(input) : undefined;
  return common === undefined ? compileIdPatternGeneral(input) : { ok: true, pattern: common };
}

/** Every pattern shape; compileIdPattern takes the common one by a shorter way with the same result. */
export function compileIdPatternGeneral(input: unknown): IdPatternResult {
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

/** Convenience for one-off checks (audit filters, tests); the index below is the fast path. */
export function matchIdPattern(pattern: IdPattern, id: string): boolean {
  const parsed = parseArmId(id);
  if (!parsed.ok) return false;
  return matchIdSegments(pattern, parsed.id.key.slice(1).split('/'));
}

export { IdPatternIndex } from './id-pattern-index.js';
