/**
 * Many ID patterns, each with a payload, indexed by their literal leading segments so that a
 * lookup touches only the candidates that can match (split from id-pattern.ts, which compiles
 * the patterns and re-exports this).
 */
import { matchIdSegments, type IdPattern } from './id-pattern.js';

/** A pattern with its payload, as IdPatternIndex holds it. */
type Item<E> = { pattern: IdPattern; entry: E };

/**
 * The patterns of one bucket key once more than CHAIN_LIMIT share it, by their whole literal
 * prefix, and their texts. Spokes of a hub-and-spoke estate often give every vnet the same name:
 * 10,000 `…/virtualNetworks/hub/subnets/*` patterns in different subscriptions share one key, and
 * a plain list made every load quadratic in the check for repeated texts (1 s for 10,000) and
 * every decision walk the whole list (290 µs), both found by review. Only patterns with the key's
 * very prefix can match it, so a lookup reads one list of those.
 */
class Crowd<E> {
  readonly byPrefix = new Map<string, Item<E>[]>();
  /** Needed while the index is built only (the repeat check): let go by `built()`. */
  private texts: Set<string> | undefined = new Set<string>();

  /** Adds `item`; true when its text was there already. */
  add(item: Item<E>): boolean {
    const list = this.byPrefix.get(item.pattern.prefix);
    if (list === undefined) this.byPrefix.set(item.pattern.prefix, [item]);
    else list.push(item);
    const texts = this.texts!;
    if (texts.has(item.pattern.text)) return true;
    texts.add(item.pattern.text);
    return false;
  }

  built(): void {
    this.texts = undefined;
  }
}

type Bucket<E> = Item<E> | Item<E>[] | Crowd<E>;

/** Past this many patterns on one key, the key's patterns are held by prefix and text (Crowd). */
const CHAIN_LIMIT = 8;

/** The texts of the literal patterns of one key (they differ in case only), in a Set once there are many. */
type LiteralTexts = string[] | Set<string>;

/** Adds `text` to `texts`; true when it was there already. */
function addLiteralText(texts: LiteralTexts, text: string): boolean {
  if (texts instanceof Set) {
    if (texts.has(text)) return true;
    texts.add(text);
    return false;
  }
  const repeated = texts.includes(text);
  texts.push(text);
  return repeated;
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
  private readonly byPrefixTail = new Map<string, Bucket<E>>();
  /** Prefix lengths (in segments) present, ascending. */
  private readonly prefixLengths: number[];
  /** Lower-case subscriptions every pattern is confined to; undefined when a pattern has a wildcard subscription. */
  readonly subscriptions: ReadonlySet<string> | undefined;
  readonly size: number;
  /**
   * Some pattern's very text is listed twice. Found while bucketing, for the loader's duplicate
   * check (schema `uniqueItems`): equal texts share a bucket, so this costs no set of its own
   * (hashing 10,000 long pattern texts, or even their bucket keys into a second map, cost more
   * than the rest of the scan's pattern work).
   */
  readonly repeats: boolean;

  constructor(items: ReadonlyArray<{ pattern: IdPattern; entry: E }>) {
    const lengths = new Set<number>();
    let subscriptions: Set<string> | undefined = new Set<string>();
    let repeats = false;
    const crowds: Crowd<E>[] = [];
    // Texts of the literal patterns by key (the literals map holds entries, not patterns).
    let literalTexts: Map<string, LiteralTexts> | undefined;
    for (const item of items) {
      // The subscription segment is literal exactly when the literal prefix reaches it.
      if (item.pattern.prefixSegments >= 2) subscriptions?.add(subscriptionOf(item.pattern.prefix));
      else subscriptions = undefined;
      if (item.pattern.literal !== undefined) {
        // Made with its first entry: an empty array's first push reserves room for 17.
        const list = this.literals.get(item.pattern.literal);
        literalTexts ??= new Map();
        const texts = literalTexts.get(item.pattern.literal);
        if (list === undefined) this.literals.set(item.pattern.literal, [item.entry]);
        else list.push(item.entry);
        if (texts === undefined) literalTexts.set(item.pattern.literal, [item.pattern.text]);
        else {
          if (addLiteralText(texts, item.pattern.text)) repeats = true;
          // Case variants of one ID are few in a real list; a Set keeps a hostile one linear.
          if (Array.isArray(texts) && texts.length > CHAIN_LIMIT) literalTexts.set(item.pattern.literal, new Set(texts));
        }
      } else {
        const prefix = item.pattern.prefix;
        const tail = nameSegmentOfPrefix(prefix, item.pattern.prefixSegments);
        // The caller's items themselves, and a bucket of one is its item, not an array: a big
        // subnet list has 10,000 buckets, nearly all of one pattern.
        const bucket = this.byPrefixTail.get(tail);
        if (bucket === undefined) this.byPrefixTail.set(tail, item);
        else if (bucket instanceof Crowd) {
          if (bucket.add(item)) repeats = true;
        } else if (Array.isArray(bucket)) {
          for (let i = 0; i < bucket.length && !repeats; i++) if (bucket[i]!.pattern.text === item.pattern.text) repeats = true;
          bucket.push(item);
          if (bucket.length > CHAIN_LIMIT) {
            const crowd = new Crowd<E>();
            crowds.push(crowd);
            for (const held of bucket) crowd.add(held);
            this.byPrefixTail.set(tail, crowd);
          }
        } else {
          if (bucket.pattern.text === item.pattern.text) repeats = true;
          this.byPrefixTail.set(tail, [bucket, item]);
        }
        lengths.add(item.pattern.prefixSegments);
      }
    }
    for (const crowd of crowds) crowd.built();
    this.prefixLengths = [...lengths].sort((a, b) => a - b);
    this.subscriptions = subscriptions;
    this.size = items.length;
    this.repeats = repeats;
  }

  /** The first matching entry that `accept` takes (default: any). `key` is an ArmId.key. */
  findFirst(key: string, accept: (entry: E) => boolean = () => true): E | undefined {
    if (this.literals.size > 0) {
      const exact = this.literals.get(key);
      if (exact !== undefined) for (const entry of exact) if (accept(entry)) return entry;
    }
    if (this.prefixLengths.length === 0) return undefined;
    for (const length of this.prefixLengths) {
      const start = nthSlash(key, nameSegmentOf(length) + 1);
      if (start < 0) break;
      const next = key.indexOf('/', start + 1);
      const bucket = this.byPrefixTail.get(key.slice(start + 1, next < 0 ? key.length : next));
      if (bucket === undefined) continue;
      const prefixEnd = nthSlash(key, length + 1);
      if (prefixEnd < 0 && nthSlash(key, length) < 0) break;
      const prefix = prefixEnd < 0 ? key : key.slice(0, prefixEnd);
      const candidates = bucket instanceof Crowd ? bucket.byPrefix.get(prefix) : bucket;
      if (candidates === undefined) continue;
      if (!Array.isArray(candidates)) {
        if (matchesAfterPrefix(candidates.pattern, key, prefix) && accept(candidates.entry)) return candidates.entry;
        continue;
      }
      for (const candidate of candidates) if (matchesAfterPrefix(candidate.pattern, key, prefix) && accept(candidate.entry)) return candidate.entry;
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

/** Does a bucketed pattern match `key`, whose first segments are `prefix`? */
function matchesAfterPrefix(pattern: IdPattern, key: string, prefix: string): boolean {
  if (pattern.prefix !== prefix) return false;
  // Only `*` segments follow the prefix: a match is a count of the segments left, no split.
  if (pattern.anyTail !== undefined) return countSlashes(key, prefix.length) === pattern.anyTail;
  return matchIdSegments(pattern, key.slice(1).split('/'));
}

/**
 * Index (0-based) of the last name segment within a prefix of `length` segments: in
 * subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}… names sit at odd indexes.
 */
function nameSegmentOf(length: number): number {
  return length % 2 === 0 ? length - 1 : Math.max(0, length - 2);
}

/** A short segment of the pattern's literal prefix (a name, not a fixed word): equal texts share it. */
export function bucketKeyOf(pattern: IdPattern): string {
  return nameSegmentOfPrefix(pattern.prefix, pattern.prefixSegments);
}

/** The name segment a prefix is bucketed by, read from its end (the general way walks every '/'). */
function nameSegmentOfPrefix(prefix: string, length: number): string {
  if (length < 2) return segmentOf(prefix, nameSegmentOf(length));
  const last = prefix.lastIndexOf('/');
  if (length % 2 === 0) return prefix.slice(last + 1);
  return prefix.slice(prefix.lastIndexOf('/', last - 1) + 1, last);
}

const SUBSCRIPTIONS = '/subscriptions/';

/**
 * The subscription segment of a lower-case prefix of two segments or more: it starts right after
 * '/subscriptions/' (the compiler refuses any other first segment), so one indexOf finds its end
 * instead of segmentOf's walk over the slashes (three calls a pattern, 10,000 patterns a load).
 */
function subscriptionOf(prefix: string): string {
  if (!prefix.startsWith(SUBSCRIPTIONS)) return segmentOf(prefix, 1);
  const end = prefix.indexOf('/', SUBSCRIPTIONS.length);
  return prefix.slice(SUBSCRIPTIONS.length, end < 0 ? prefix.length : end);
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
