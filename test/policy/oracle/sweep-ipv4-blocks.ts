/** Test oracle: src/net/sweep-ipv4-blocks.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * IntervalIndex's sweep (cut laminar blocks into disjoint segments, each remembering the most
 * specific block covering it) specialised to IPv4 blocks held in typed arrays and sorted by
 * sortIpv4Blocks: plain integer arithmetic in one loop, no object or closure per block.
 */
import type { Segments } from './interval-index.js';
import { sortIpv4Blocks } from './sort-ipv4-blocks.js';

/** Addresses in a block of each prefix length, 2^(32 - prefix). */
const BLOCK_SIZE = Float64Array.from({ length: 33 }, (_, prefix) => 2 ** (32 - prefix));

/** `starts`/`prefixes`/`entries` hold `count` blocks in listing order. */
export function sweepIpv4Blocks<E>(starts: Uint32Array, prefixes: Uint8Array, entries: readonly E[], count: number): Segments<number, E> {
  const order = sortIpv4Blocks(starts, prefixes, count);
  // A block opens at most one segment before its first child and one after each child closes.
  const outStarts = new Uint32Array(2 * count);
  const outEnds = new Uint32Array(2 * count);
  const outEntries: E[] = [];
  let segments = 0;
  // Open blocks, innermost on top (a stack of positions and their last addresses).
  const open = new Uint32Array(Math.min(count, 33));
  const openEnds = new Float64Array(Math.min(count, 33));
  let depth = 0;
  // The first address not yet painted (2^32 once the whole space is).
  let cursor = 0;
  for (let k = 0; k <= count; k++) {
    const block = k < count ? order[k]! : -1;
    const start = block >= 0 ? starts[block]! : 2 ** 32;
    // Close the open blocks that end before this one starts, painting what is left of each.
    while (depth > 0 && openEnds[depth - 1]! < start) {
      const top = open[depth - 1]!;
      const end = openEnds[depth - 1]!;
      if (cursor <= end) {
        const entry = entries[top]!;
        // The same entry continuing after a nested block closed: extend its segment (as IntervalIndex does).
        if (segments > 0 && outEntries[segments - 1] === entry && outEnds[segments - 1]! + 1 === cursor) outEnds[segments - 1] = end;
        else {
          outStarts[segments] = cursor;
          outEnds[segments] = end;
          outEntries[segments++] = entry;
        }
      }
      cursor = end + 1;
      depth--;
    }
    if (block < 0) break;
    const end = start + BLOCK_SIZE[prefixes[block]!]! - 1;
    if (depth > 0) {
      const parent = open[depth - 1]!;
      // The same block listed twice: the first listing stays the one reported.
      if (starts[parent] === start && openEnds[depth - 1] === end) continue;
      if (cursor <= start - 1) {
        const entry = entries[parent]!;
        if (segments > 0 && outEntries[segments - 1] === entry && outEnds[segments - 1]! + 1 === cursor) outEnds[segments - 1] = start - 1;
        else {
          outStarts[segments] = cursor;
          outEnds[segments] = start - 1;
          outEntries[segments++] = entry;
        }
      }
    }
    open[depth] = block;
    openEnds[depth++] = end;
    cursor = start;
  }
  return { segments: true, size: count, starts: outStarts.subarray(0, segments), ends: outEnds.subarray(0, segments), entries: outEntries };
}
