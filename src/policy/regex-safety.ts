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
/** Unbounded repetitions of wide atoms allowed in one pattern: two keep matching quadratic at worst. */
const MAX_WIDE_REPEATS = 2;

interface Frame {
  /** The group (or the whole pattern) contains an unbounded quantifier. */
  unbounded: boolean;
  /** Where each top-level alternative of the group starts. */
  branches: number[];
}

/** Index of the first character inside a group opened at `open`, past `?:`, `?=`, `?<name>` and the like. */
function groupContentStart(source: string, open: number): number {
  if (source[open + 1] !== '?') return open + 1;
  const kind = source[open + 2];
  if (kind === ':' || kind === '=' || kind === '!') return open + 3;
  if (kind === '<') {
    if (source[open + 3] === '=' || source[open + 3] === '!') return open + 4;
    const close = source.indexOf('>', open);
    return close < 0 ? open + 1 : close + 1;
  }
  return open + 1;
}

/**
 * Alternatives a repetition may try in more than one way: unless every alternative starts with a
 * different literal character, `(a|ab)*`-style overlap lets the engine split the input
 * exponentially many ways.
 */
function alternativesMayOverlap(source: string, frame: Frame): boolean {
  if (frame.branches.length < 2) return false;
  const firsts = new Set<string>();
  for (const start of frame.branches) {
    let c = source[start];
    let after = start + 1;
    if (c === '\\') {
      const next = source[start + 1] ?? '';
      // An escaped punctuation character is a literal; \d, \w, \s and friends are classes.
      if (/[A-Za-z0-9]/u.test(next)) return true;
      c = next;
      after = start + 2;
    } else if (c === undefined || c === '|' || c === ')' || '[(.^$*+?{'.includes(c)) {
      return true;
    }
    // An optional first character (a?b|b) means the alternative may start with something else.
    const following = source[after];
    if (following === '?' || following === '*' || following === '{') return true;
    if (firsts.has(c)) return true;
    firsts.add(c);
  }
  return false;
}

export function checkRegex(source: string): RegexCheck {
  if (source.length > MAX_LENGTH) return { ok: false, error: `longer than ${MAX_LENGTH} characters`, fix: 'shorten the pattern' };
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'u');
  } catch (error) {
    return { ok: false, error: `not a valid regular expression: ${(error as Error).message}`, fix: 'fix the syntax (JavaScript regex, u flag)' };
  }
  const stack: Frame[] = [{ unbounded: false, branches: [0] }];
  let closed: Frame | undefined;
  /** The atom just read matches almost anything (., \S, \W, \D, [^…]). */
  let lastAtomWide = false;
  let wideRepeats = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/u.test(next) || next === 'k') {
        return { ok: false, error: 'backreferences can make matching exponential', fix: 'rewrite the pattern without \\1 or \\k<name>' };
      }
      lastAtomWide = next === 'S' || next === 'W' || next === 'D';
      i++;
      closed = undefined;
      continue;
    }
    if (c === '[') {
      // Skip a character class; quantifiers inside it are literal. A negated class is wide.
      lastAtomWide = source[i + 1] === '^';
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      closed = undefined;
      continue;
    }
    if (c === '(') {
      stack.push({ unbounded: false, branches: [groupContentStart(source, i)] });
      closed = undefined;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1]!.branches.push(i + 1);
      closed = undefined;
      continue;
    }
    if (c === ')') {
      closed = stack.pop();
      const parent = stack[stack.length - 1];
      if (closed !== undefined && parent !== undefined) parent.unbounded ||= closed.unbounded;
      continue;
    }
    const quantifier = quantifierAt(source, i);
    if (quantifier !== undefined) {
      const repeats = quantifier !== 'optional';
      if (closed !== undefined && repeats && !closed.unbounded && alternativesMayOverlap(source, closed)) {
        return {
          ok: false,
          error: 'a repeated group has alternatives that can match the same text (such as (a|ab)* or (\\w|\\d)+) and can backtrack catastrophically',
          fix: 'make each alternative start with a different literal character, or use a character class such as [ab]+',
        };
      }
      // Bounded repetition counts too: (\w+\s?){1,30} splits the input as many ways as (\w+\s?)+.
      if (closed !== undefined && closed.unbounded && repeats) {
        return {
          ok: false,
          error: 'a repeated group contains a repetition (nested quantifiers such as (a+)+ or (\\w+\\s?){1,30}) and can backtrack catastrophically',
          fix: 'remove the nesting, e.g. write a+ instead of (a+)+, or anchor a fixed-length token such as [0-9]{6}',
        };
      }
      if (quantifier === 'unbounded') {
        stack[stack.length - 1]!.unbounded = true;
        if (lastAtomWide && ++wideRepeats > MAX_WIDE_REPEATS) {
          return {
            ok: false,
            error: `more than ${MAX_WIDE_REPEATS} unbounded repetitions of a wide class (such as .*.*.*) make matching polynomial of a high degree`,
            fix: 'use at most two of .*, .+, \\S*, [^…]* and the like, or narrower classes such as [0-9]+',
          };
        }
      }
      lastAtomWide = false;
      closed = undefined;
      continue;
    }
    lastAtomWide = c === '.';
    closed = undefined;
  }
  return { ok: true, regex };
}

/**
 * The quantifier at `i`: 'unbounded' (*, +, {n,}), 'repeat' (a bounded maximum above one: {n},
 * {n,m}), 'optional' (?, {0,1}, {1}) or undefined when there is none.
 */
function quantifierAt(source: string, i: number): 'unbounded' | 'repeat' | 'optional' | undefined {
  const c = source[i];
  if (c === '*' || c === '+') return 'unbounded';
  if (c === '?') return 'optional';
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/u.exec(source.slice(i));
    if (m === null) return undefined;
    if (m[2] !== undefined && m[3] === '') return 'unbounded';
    const max = Number(m[3] ?? m[1]);
    return max > 1 ? 'repeat' : 'optional';
  }
  return undefined;
}
