/**
 * IntervalIndex's sweep (cut laminar blocks into disjoint segments, each remembering the most
 * specific block covering it) specialised to IPv4 blocks held in typed arrays and sorted by
 * sortIpv4Blocks: plain number arithmetic, no object per block, one pass.
 */
import type { Segments } from './interval-index.js';
import { sortIpv4Blocks } from './sort-ipv4-blocks.js';

/** `starts`/`prefixes`/`entries` hold `count` blocks in listing order. */
export function sweepIpv4Blocks<E>(starts: Uint32Array, prefixes: Uint8Array, entries: readonly E[], count: number): Segments<number, E> {
  const order = sortIpv4Blocks(starts, prefixes, count);
  const outStarts: number[] = [];
  const outEnds: number[] = [];
  const outEntries: E[] = [];
  const emit = (from: number, to: number, block: number): void => {
    if (from > to) return;
    const last = outEntries.length - 1;
    // The same entry continuing after a nested block closed: extend its segment (as IntervalIndex does).
    if (last >= 0 && outEntries[last] === entries[block] && outEnds[last]! + 1 === from) {
      outEnds[last] = to;
      return;
    }
    outStarts.push(from);
    outEnds.push(to);
    outEntries.push(entries[block]!);
  };
  const endOf = (block: number): number => starts[block]! + 2 ** (32 - prefixes[block]!) - 1;
  // Open blocks, innermost on top; `cursor` is the first address not yet painted.
  const open: number[] = [];
  let cursor = 0;
  const closeBefore = (limit: number): void => {
    while (open.length > 0) {
      const top = open[open.length - 1]!;
      const end = endOf(top);
      if (end >= limit) return;
      emit(cursor, end, top);
      cursor = end + 1;
      open.pop();
    }
  };
  for (let k = 0; k < count; k++) {
    const block = order[k]!;
    const start = starts[block]!;
    closeBefore(start);
    const parent = open[open.length - 1];
    // The same block listed twice: the first listing stays the one reported.
    if (parent !== undefined && starts[parent] === start && prefixes[parent] === prefixes[block]) continue;
    if (parent !== undefined) emit(cursor, start - 1, parent);
    open.push(block);
    cursor = start;
  }
  closeBefore(Infinity);
  return { segments: true, size: count, starts: outStarts, ends: outEnds, entries: outEntries };
}
