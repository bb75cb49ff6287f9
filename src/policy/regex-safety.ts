/**
 * Refuses request-message regexes that can backtrack catastrophically, at validation time, so a
 * consumer-controlled string can never stall the daemon. The test is the classic star-height
 * one (as safe-regex does): an unbounded quantifier applied to a group that itself contains an
 * unbounded quantifier, e.g. `(a+)+`, `(\w*)*`, `(x+y?)*`. Backreferences are refused too, since
 * they make matching exponential in general. Conservative by design: an author can always write
 * an equivalent pattern without nesting.
 */

export type RegexCheck = { ok: true; regex: RegExp } | { ok: false; error: string; fix: string };

const MAX_LENGTH = 512;

interface Frame {
  /** The group (or the whole pattern) contains an unbounded quantifier. */
  unbounded: boolean;
}

export function checkRegex(source: string): RegexCheck {
  if (source.length > MAX_LENGTH) return { ok: false, error: `longer than ${MAX_LENGTH} characters`, fix: 'shorten the pattern' };
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'u');
  } catch (error) {
    return { ok: false, error: `not a valid regular expression: ${(error as Error).message}`, fix: 'fix the syntax (JavaScript regex, u flag)' };
  }
  const stack: Frame[] = [{ unbounded: false }];
  let closed: Frame | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/u.test(next) || next === 'k') {
        return { ok: false, error: 'backreferences can make matching exponential', fix: 'rewrite the pattern without \\1 or \\k<name>' };
      }
      i++;
      closed = undefined;
      continue;
    }
    if (c === '[') {
      // Skip a character class; quantifiers inside it are literal.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      closed = undefined;
      continue;
    }
    if (c === '(') {
      stack.push({ unbounded: false });
      closed = undefined;
      continue;
    }
    if (c === ')') {
      closed = stack.pop();
      const parent = stack[stack.length - 1];
      if (closed !== undefined && parent !== undefined) parent.unbounded ||= closed.unbounded;
      continue;
    }
    const quantifier = unboundedQuantifierAt(source, i);
    if (quantifier !== 0) {
      if (closed !== undefined && closed.unbounded && quantifier > 0) {
        return {
          ok: false,
          error: 'a repeated group contains a repetition (nested quantifiers such as (a+)+) and can backtrack catastrophically',
          fix: 'remove the nesting, e.g. write a+ instead of (a+)+, or anchor a fixed-length token such as [0-9]{6}',
        };
      }
      if (quantifier > 0) stack[stack.length - 1]!.unbounded = true;
    }
    closed = undefined;
  }
  return { ok: true, regex };
}

/** 1 for an unbounded quantifier (*, +, {n,}) at `i`, -1 for a bounded one (?, {n}, {n,m}), 0 for none. */
function unboundedQuantifierAt(source: string, i: number): number {
  const c = source[i];
  if (c === '*' || c === '+') return 1;
  if (c === '?') return -1;
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/u.exec(source.slice(i));
    if (m === null) return 0;
    return m[2] !== undefined && m[3] === '' ? 1 : -1;
  }
  return 0;
}
