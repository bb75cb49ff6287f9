/**
 * Subnet ID patterns are compiled once per load, not twice: the loader compiles each to check it,
 * and the compiler takes the same compiled pattern instead of compiling 10,000 patterns again.
 * Remembered per list (weakly, so a discarded policy set takes its patterns with it) and by
 * position, and only reused for the very entry text it was compiled from, so a list built or
 * changed by hand is compiled afresh.
 */
import { compileIdPattern, type IdPattern, type IdPatternResult } from '../ids/id-pattern.js';

const compiledByList = new WeakMap<readonly unknown[], Array<IdPattern | undefined>>();

/** Compiles the entry at `index` of `list` (for its errors) and remembers a success for the compiler. */
export function compileSubnetPattern(entry: string, list: readonly unknown[], index: number): IdPatternResult {
  const result = compileIdPattern(entry);
  if (result.ok) {
    let memo = compiledByList.get(list);
    if (memo === undefined) {
      memo = new Array<IdPattern | undefined>(list.length);
      compiledByList.set(list, memo);
    }
    memo[index] = result.pattern;
  }
  return result;
}

/** The compiled pattern of the entry at `index` of `list`, or undefined when it does not compile. */
export function compiledSubnetPattern(entry: string, list: readonly unknown[], index: number): IdPattern | undefined {
  const remembered = compiledByList.get(list)?.[index];
  if (remembered !== undefined && remembered.text === entry) return remembered;
  const result = compileIdPattern(entry);
  return result.ok ? result.pattern : undefined;
}
