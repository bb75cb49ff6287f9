/** Test oracle: src/policy/regex-safety.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * Request-message rules are matched by RE2 (re2js, a pure-JavaScript port): an automaton, not a
 * backtracking engine, so matching is linear in the message for every pattern, and no consumer's
 * request message can stall the daemon however the pattern nests (`(a+)+`, `\d*\d*\d*x`).
 * What RE2 cannot express (backreferences, lookaround, repeat counts above 1,000) is refused at
 * validation with RE2's own reason.
 */
import { RE2JS } from 're2js';
import { messageOf } from '../../../src/errors/linkgate-error.js';

/** A compiled request-message rule: its source (for reasons) and an unanchored, linear-time test. */
export interface RequestMessageMatcher {
  readonly source: string;
  test(message: string): boolean;
}

export type RegexCheck = { ok: true; regex: RequestMessageMatcher } | { ok: false; error: string; fix: string };

const MAX_LENGTH = 512;

/** Advice for the syntax RE2 refuses that authors coming from JavaScript reach for. */
function fixFor(source: string, reason: string): string {
  if (reason.includes('\\1') || /invalid escape sequence: `\\[1-9k]/u.test(reason)) return 'rewrite the pattern without backreferences (\\1, \\k<name>): RE2 matches in linear time and has none';
  if (/\(\?<?[=!]/u.test(source)) return 'rewrite the pattern without lookahead or lookbehind: RE2 matches in linear time and has none';
  if (reason.includes('repeat count')) return 'use repeat counts of at most 1000 in total, e.g. [0-9]{6} instead of nested {n,m}';
  return 'fix the syntax (RE2 syntax, as in Go: https://github.com/google/re2/wiki/Syntax)';
}

export function checkRegex(source: string): RegexCheck {
  if (source.length > MAX_LENGTH) return { ok: false, error: `longer than ${MAX_LENGTH} characters`, fix: 'shorten the pattern' };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    // re2js reports "error parsing regexp: <reason>: `<fragment>`", as Go's regexp/syntax does.
    const reason = messageOf(error).replace(/^error parsing regexp: /u, '');
    return { ok: false, error: `RE2 cannot use this pattern: ${reason}`, fix: fixFor(source, reason) };
  }
  return { ok: true, regex: { source, test: (message) => compiled.test(message) } };
}
