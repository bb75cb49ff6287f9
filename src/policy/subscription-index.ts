/**
 * One index over every subscription a policy set lists, answering for a consumer which lists of
 * which policies name it: deny.subscriptions, autoApproval, visibility, and the subscriptions the
 * subnet patterns are confined to. A decision looks its consumer up once here instead of once per
 * list and policy in a Set.
 *
 * Keyed by a number read from the GUID's first characters, not by the string: a Set lookup of a
 * subscription sliced from a fresh connection ID spends most of its time hashing that string
 * (measured ~110 of ~180 ns per lookup on the 2-core development machine, against ~55 ns for a
 * further lookup of the same, now hashed, string). A hit is confirmed by comparing the whole text.
 */

/** Which lists of one policy name the subscription (bit flags). */
export const DENIED = 1;
export const AUTO_APPROVED = 2;
export const VISIBLE = 4;
export const TRUSTED_SUBNET_PATTERNS = 8;
export const DENIED_SUBNET_PATTERNS = 16;

export interface SubscriptionEntry {
  subscription: string;
  /** Another subscription with the same key. */
  next: SubscriptionEntry | undefined;
  /**
   * On the first entry of a key that more than CHAIN_LIMIT subscriptions share: all of them by
   * their text. The key reads a few characters only, so GUIDs made in sequence (test tenants,
   * emulators: 00000000-0000-4000-8000-00000000000n) share one, and a chain would make each
   * lookup linear in the list (378 µs a decision for 10,000 of them, found by review).
   */
  crowd: Map<string, SubscriptionEntry> | undefined;
  /**
   * The first policy that lists it (CompiledPolicy.position) and with which flags, held in the
   * entry itself: a subscription is usually listed by one policy, and each array a lookup has to
   * read is another far-apart object on distinct cases.
   */
  policy: number;
  flags: number;
  /** Further policies and their flags, in pairs; undefined while there is only the first. */
  more: number[] | undefined;
}

const KEY_CHARS = 7;
/** Past this many subscriptions on one key, the key's entries are found by their text in a Map. */
const CHAIN_LIMIT = 8;

/** A small integer from the first characters: any function of the text would do, this one is cheap. */
function keyOf(text: string): number {
  let key = text.length;
  const end = text.length < KEY_CHARS ? text.length : KEY_CHARS;
  for (let i = 0; i < end; i++) key = (key * 31 + text.charCodeAt(i)) & 0x3fffffff;
  return key;
}

/** Bits in the presence filter: 32 KiB, small enough to stay in cache while cases stream past. */
const FILTER_BITS = 18;

function filterBit(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - FILTER_BITS);
}

export class SubscriptionIndex {
  private readonly buckets = new Map<number, SubscriptionEntry>();
  /**
   * One bit per key hash, set for every subscription held: most consumers are in no list, and a
   * clear bit answers so without the map, whose 10,000s of entries are cache misses on distinct cases.
   */
  private readonly present = new Int32Array(1 << (FILTER_BITS - 5));

  /** `subscription` as the policy's Set holds it (lower case). */
  add(subscription: string, policy: number, flag: number): void {
    const key = keyOf(subscription);
    const head = this.buckets.get(key);
    const entry = lookUp(head, subscription);
    if (entry === undefined) {
      const bit = filterBit(key);
      this.present[bit >>> 5]! |= 1 << (bit & 31);
      // No arrays for the usual single policy (an empty array's first push reserves room for 17,
      // and a big policy set holds tens of thousands of entries).
      const added: SubscriptionEntry = { subscription, next: undefined, crowd: undefined, policy, flags: flag, more: undefined };
      if (head?.crowd !== undefined) {
        head.crowd.set(subscription, added);
        return;
      }
      added.next = head;
      if (chainLength(head) >= CHAIN_LIMIT) {
        added.crowd = new Map();
        for (let e: SubscriptionEntry | undefined = added; e !== undefined; e = e.next) added.crowd.set(e.subscription, e);
      }
      this.buckets.set(key, added);
      return;
    }
    // Policies are added in ascending position, so a policy's lists meet the last pair.
    const more = entry.more;
    if (more === undefined) {
      if (entry.policy === policy) entry.flags |= flag;
      else entry.more = [policy, flag];
    } else if (more[more.length - 2] === policy) more[more.length - 1]! |= flag;
    else more.push(policy, flag);
  }

  /** The entry of a subscription (lower case), or undefined when no list names it. */
  find(subscription: string): SubscriptionEntry | undefined {
    const key = keyOf(subscription);
    const bit = filterBit(key);
    if ((this.present[bit >>> 5]! & (1 << (bit & 31))) === 0) return undefined;
    return lookUp(this.buckets.get(key), subscription);
  }

  /** The most entries one lookup compares one by one (for tests: bounded however the keys collide). */
  get longestChain(): number {
    let longest = 0;
    for (const head of this.buckets.values()) if (head.crowd === undefined) longest = Math.max(longest, chainLength(head));
    return longest;
  }
}

/** The entry of `subscription` among those of one key (`head` first): at most CHAIN_LIMIT compares. */
function lookUp(head: SubscriptionEntry | undefined, subscription: string): SubscriptionEntry | undefined {
  if (head === undefined) return undefined;
  if (head.crowd !== undefined) return head.crowd.get(subscription);
  let entry: SubscriptionEntry | undefined = head;
  while (entry !== undefined && entry.subscription !== subscription) entry = entry.next;
  return entry;
}

function chainLength(head: SubscriptionEntry | undefined): number {
  let length = 0;
  for (let e = head; e !== undefined; e = e.next) length++;
  return length;
}

/** The flags one policy gives a looked-up subscription; 0 when it lists it nowhere. */
export function flagsFor(entry: SubscriptionEntry | undefined, policy: number): number {
  if (entry === undefined) return 0;
  if (entry.policy === policy) return entry.flags;
  const more = entry.more;
  if (more !== undefined) for (let i = 0; i < more.length; i += 2) if (more[i] === policy) return more[i + 1]!;
  return 0;
}

/** The lists of one compiled policy that this index answers for (the policy's own Sets stay the rule). */
export interface IndexedLists {
  position: number;
  denySubscriptions: ReadonlySet<string>;
  autoApproval: ReadonlySet<string>;
  visibility: ReadonlySet<string> | 'all' | undefined;
  trustedSubnets: { patterns: { subscriptions: ReadonlySet<string> | undefined } };
  denySubnets: { patterns: { subscriptions: ReadonlySet<string> | undefined } };
}

/** `policies` in ascending position. */
export function indexSubscriptions(policies: readonly IndexedLists[]): SubscriptionIndex {
  const index = new SubscriptionIndex();
  for (const p of policies) {
    for (const s of p.denySubscriptions) index.add(s, p.position, DENIED);
    for (const s of p.autoApproval) index.add(s, p.position, AUTO_APPROVED);
    if (p.visibility instanceof Set) for (const s of p.visibility) index.add(s, p.position, VISIBLE);
    for (const s of p.trustedSubnets.patterns.subscriptions ?? []) index.add(s, p.position, TRUSTED_SUBNET_PATTERNS);
    for (const s of p.denySubnets.patterns.subscriptions ?? []) index.add(s, p.position, DENIED_SUBNET_PATTERNS);
  }
  return index;
}
