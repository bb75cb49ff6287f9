/** Test oracle: src/net/interval-index.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * Point-in-intervals lookup by binary search. Overlapping input intervals are cut into disjoint
 * elementary segments at build time, each remembering the most specific (narrowest) interval that
 * covers it, so a lookup is one binary search and says which entry matched.
 */

export interface Interval<V extends number | bigint, E> {
  start: V;
  end: V;
  entry: E;
}

/** Disjoint segments in ascending order, each with the most specific entry covering it. */
export interface Segments<V extends number | bigint, E> {
  segments: true;
  /** Number of intervals the segments were cut from. */
  size: number;
  starts: ArrayLike<V>;
  ends: ArrayLike<V>;
  entries: ArrayLike<E>;
}

export class IntervalIndex<V extends number | bigint, E> {
  readonly size: number;
  private readonly starts: ArrayLike<V>;
  private readonly ends: ArrayLike<V>;
  private readonly entries: ArrayLike<E>;

  /**
   * `intervals` must be laminar (any two nested or disjoint), as CIDR blocks always are. Or the
   * segments already cut (disjoint, ascending), as sweepIpv4Blocks builds them for IPv4.
   */
  constructor(intervals: ReadonlyArray<Interval<V, E>> | Segments<V, E>) {
    if ('segments' in intervals) {
      this.size = intervals.size;
      this.starts = intervals.starts;
      this.ends = intervals.ends;
      this.entries = intervals.entries;
      return;
    }
    this.size = intervals.length;
    // Wider first at equal starts, so a parent is open before the blocks nested in it.
    const sorted = [...intervals].sort((a, b) => compare(a.start, b.start) || compare(b.end, a.end));
    const starts: V[] = [];
    const ends: V[] = [];
    const entries: E[] = [];
    const emit = (from: V, to: V, entry: E): void => {
      if (compare(from, to) > 0) return;
      const last = entries.length - 1;
      if (last >= 0 && entries[last] === entry && compare(successor(ends[last]!), from) === 0) {
        ends[last] = to;
        return;
      }
      starts.push(from);
      ends.push(to);
      entries.push(entry);
    };
    // Open intervals, innermost on top; `cursor` is the first point not yet painted.
    const open: Interval<V, E>[] = [];
    let cursor: V | undefined;
    const closeBefore = (limit: V | undefined): void => {
      while (open.length > 0) {
        const top = open[open.length - 1]!;
        if (limit !== undefined && compare(top.end, limit) >= 0) return;
        emit(cursor as V, top.end, top.entry);
        cursor = successor(top.end);
        open.pop();
      }
    };
    for (const interval of sorted) {
      closeBefore(interval.start);
      const parent = open[open.length - 1];
      // The same block listed twice: the first listing stays the one reported.
      if (parent !== undefined && compare(parent.start, interval.start) === 0 && compare(parent.end, interval.end) === 0) continue;
      if (parent !== undefined && cursor !== undefined) emit(cursor, predecessor(interval.start), parent.entry);
      open.push(interval);
      cursor = interval.start;
    }
    closeBefore(undefined);
    this.starts = starts;
    this.ends = ends;
    this.entries = entries;
  }

  /** The most specific entry whose interval holds `value`, or undefined. */
  find(value: V): E | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0) return undefined;
    return this.ends[hi]! >= value ? this.entries[hi] : undefined;
  }

  /** Number of disjoint segments after the build (for benchmarks and tests). */
  get segments(): number {
    return this.starts.length;
  }
}

function compare<V extends number | bigint>(a: V, b: V): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function successor<V extends number | bigint>(v: V): V {
  return (typeof v === 'bigint' ? v + 1n : (v as number) + 1) as V;
}

function predecessor<V extends number | bigint>(v: V): V {
  return (typeof v === 'bigint' ? v - 1n : (v as number) - 1) as V;
}
