/**
 * The common shape of a subnet pattern, literal segments then only whole `*` segments
 * (`/subscriptions/{guid}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`),
 * compiled by one native regex test instead of splitting and checking each segment on its own
 * (~4 µs a pattern, and a policy lists 10,000). Anything else (another character, a wildcard
 * inside a segment, `**`, an odd segment count, an error) is left to the general compiler, which
 * this must equal on every input it accepts (test/ids/id-pattern-fast.test.ts).
 */
import type { IdPattern, SegmentMatcher } from './id-pattern.js';

const HEX = '[0-9A-Fa-f]';
/**
 * '/subscriptions/' in any letter case, a GUID, literal segments of characters that are never
 * forbidden in an ID and change under toLowerCase only from A-Z (no '.' or '..' segment), then
 * one or more '/*'. No flags: /i or /u would let a regex class match non-ASCII case variants.
 * Linear: a segment's class cannot match '/', so a failed match backtracks within one segment.
 */
const SHAPE = new RegExp(`^\\/[Ss][Uu][Bb][Ss][Cc][Rr][Ii][Pp][Tt][Ii][Oo][Nn][Ss]\\/${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}(?:\\/(?!\\.\\.?\\/)[A-Za-z0-9_.()-]+)*(?:\\/\\*)+$`);

const ANY: SegmentMatcher = { kind: 'any' };

/**
 * A pattern of this shape. Its index lookups read only `prefix` and `anyTail`, so the matcher
 * list that the general walk reads is built only if something asks for it (matchIdPattern on one
 * pattern, the linter), not 10,000 times at every load.
 */
class TrailingWildcardPattern implements IdPattern {
  readonly text: string;
  readonly prefix: string;
  readonly prefixSegments: number;
  readonly literal = undefined;
  readonly anyTail: number;
  private matchers: SegmentMatcher[] | undefined;

  // Fields spelled out, not as parameter properties: tests load src/ with Node's type stripping.
  constructor(text: string, prefix: string, prefixSegments: number, anyTail: number) {
    this.text = text;
    this.prefix = prefix;
    this.prefixSegments = prefixSegments;
    this.anyTail = anyTail;
  }

  get segments(): SegmentMatcher[] {
    if (this.matchers === undefined) {
      const matchers: SegmentMatcher[] = this.prefix
        .slice(1)
        .split('/')
        .map((text) => ({ kind: 'literal', text }));
      for (let s = 0; s < this.anyTail; s++) matchers.push(ANY);
      this.matchers = matchers;
    }
    return this.matchers;
  }
}

/** The pattern when `input` has the common shape and compiles; undefined to ask the general compiler. */
export function compileTrailingWildcards(input: string): IdPattern | undefined {
  if (input.length > 2048 || !SHAPE.test(input)) return undefined;
  let end = input.length;
  while (input.charCodeAt(end - 2) === 47 && input.charCodeAt(end - 1) === 42) end -= 2;
  const stars = (input.length - end) / 2;
  let literals = 0;
  for (let i = input.indexOf('/'); i >= 0 && i < end; i = input.indexOf('/', i + 1)) literals++;
  // Type/name pairs: an odd count is an error the general compiler words.
  if ((literals + stars) % 2 !== 0) return undefined;
  return new TrailingWildcardPattern(input, input.slice(0, end).toLowerCase(), literals, stars);
}
