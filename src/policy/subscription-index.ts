/**
 * One index over every subscription a policy set lists, answering for a consumer which lists of
 * which policies name it: deny.subscriptions, autoApproval, visibility, and the subscriptions the
 * subnet patterns are confined to. A decision looks its consumer up once here instead of once per
 * list and policy in a Set.
 *
 * Keyed by the GUID's 128 bits (four 32-bit words, read while the endpoint ID's characters are
 * checked: src/ids/leading-subscription.ts) in an open-addressing table packed into one
 * Int32Array, a slot holding the words, the first policy and its flags, and where any further
 * policies are. On the bench's 30,000 distinct cases the object version cost three dependent cache
 * misses a lookup (map bucket, entry object, the entry's string; ~60% of its samples in perf
 * annotate) and a runtime call comparing that string with a fresh slice of the ID; a slot is one
 * miss and four integer compares. Sequential GUIDs (test tenants, emulators) differ in their last
 * word only: the hash mixes all four, so they spread like any others.
 *
 * Only lower-case GUID text is indexed: the lists hold lower-cased text, a consumer's subscription
 * is always a lower-case GUID, so any other entry could never equal one (no lookup can reach it).
 */
import { GUID_WORDS, LOWER_GUID, readGuid } from '../ids/leading-subscription.js';

/** Which lists of one policy name the subscription (bit flags). */
export const DENIED = 1;
export const AUTO_APPROVED = 2;
export const VISIBLE = 4;
export const TRUSTED_SUBNET_PATTERNS = 8;
export const DENIED_SUBNET_PATTERNS = 16;

/**
 * A slot: policy + 1 (0: empty) and the first word side by side, so that passing over another
 * subscription's slot reads 8 bytes; then the other words, the first policy's flags, and the first
 * and last of any further (policy, flags) pairs in `more`, + 1 (0: none).
 */
const STRIDE = 8;
const POLICY = 0;
const W0 = 1;
const FLAGS = 5;
const MORE_FIRST = 6;
const MORE_LAST = 7;

/** Bits in the presence filter: 32 KiB, small enough to stay in cache while cases stream past. */
const FILTER_BITS = 18;

/** All 128 bits mixed (the words of sequential GUIDs differ in the last word only); exported for tests. */
export function mix(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0, 0x9e3779b1) ^ w1;
  h = Math.imul(h, 0x85ebca6b) ^ w2;
  h = Math.imul(h, 0xc2b2ae35) ^ w3;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return h ^ (h >>> 15);
}

export class SubscriptionIndex {
  private slots: Int32Array;
  /** 32 minus log2 of the slot count: the hash's top bits pick the first slot. */
  private shift: number;
  private count = 0;
  /** Triples for the further policies of a subscription: policy, flags, index of the next triple + 1 (0: last). */
  private readonly more: number[] = [];
  /**
   * One bit per hash (its low bits), set for every subscription held: most consumers are in no
   * list, and a clear bit answers so without reading the table, whose slots are cache misses on
   * distinct cases.
   */
  private readonly present = new Int32Array(1 << (FILTER_BITS - 5));

  /**
   * `expected`: how many subscriptions it will surely hold, so that the table is made at (or near)
   * its final size. Grown from 16 slots, the table of a 10,000-subscription policy was rebuilt
   * eleven times on every load (5% of a huge policy's load by profile).
   */
  constructor(expected = 0) {
    let slots = 16;
    while (slots < expected * 2) slots *= 2;
    this.slots = new Int32Array(slots * STRIDE);
    this.shift = 32 - Math.log2(slots);
  }

  /** `subscription` as the policy's Set holds it (lower case); anything but a lower-case GUID is never looked up. */
  add(subscription: string, policy: number, flag: number): void {
    if (subscription.length !== 36 || readGuid(subscription, 0) !== LOWER_GUID) return;
    this.addWords(GUID_WORDS[0]!, GUID_WORDS[1]!, GUID_WORDS[2]!, GUID_WORDS[3]!, policy, flag);
  }

  private addWords(w0: number, w1: number, w2: number, w3: number, policy: number, flag: number): void {
    const found = this.find(w0, w1, w2, w3);
    if (found < 0) {
      if ((this.count + 1) * 2 > this.slots.length / STRIDE) this.grow();
      const h = mix(w0, w1, w2, w3);
      this.present[(h & ((1 << FILTER_BITS) - 1)) >>> 5]! |= 1 << (h & 31);
      const s = this.place(h);
      const slots = this.slots;
      slots[s + POLICY] = policy + 1;
      slots[s + W0] = w0;
      slots[s + W0 + 1] = w1;
      slots[s + W0 + 2] = w2;
      slots[s + W0 + 3] = w3;
      slots[s + FLAGS] = flag;
      this.count++;
      return;
    }
    // Policies are added in ascending position, so a policy's lists meet the last pair.
    const slots = this.slots;
    const last = slots[found + MORE_LAST]! - 1;
    if (last < 0 && slots[found + POLICY] === policy + 1) slots[found + FLAGS]! |= flag;
    else if (last >= 0 && this.more[last] === policy) this.more[last + 1]! |= flag;
    else {
      const added = this.more.length;
      this.more.push(policy, flag, 0);
      if (last < 0) slots[found + MORE_FIRST] = added + 1;
      else this.more[last + 2] = added + 1;
      slots[found + MORE_LAST] = added + 1;
    }
  }

  /** The first empty slot on `h`'s probe sequence. */
  private place(h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = (h >>> this.shift) * STRIDE;
    while (slots[s + POLICY] !== 0) s = (s + STRIDE) & mask;
    return s;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.shift--;
    const slots = this.slots;
    for (let s = 0; s < old.length; s += STRIDE) {
      if (old[s + POLICY] === 0) continue;
      const to = this.place(mix(old[s + W0]!, old[s + W0 + 1]!, old[s + W0 + 2]!, old[s + W0 + 3]!));
      // Copied by index: a subarray per slot is an object per subscription.
      for (let k = 0; k < STRIDE; k++) slots[to + k] = old[s + k]!;
    }
  }

  /** The slot of a subscription by its GUID words (GUID_WORDS order), or -1 when no list names it. */
  find(w0: number, w1: number, w2: number, w3: number): number {
    const h = mix(w0, w1, w2, w3);
    if ((this.present[(h & ((1 << FILTER_BITS) - 1)) >>> 5]! & (1 << (h & 31))) === 0) return -1;
    const slots = this.slots;
    const mask = slots.length - 1;
    // The table is at most half full, so a probe ends at an empty slot.
    for (let s = (h >>> this.shift) * STRIDE; ; s = (s + STRIDE) & mask) {
      const policy = slots[s + POLICY]!;
      if (policy === 0) return -1;
      if (slots[s + W0] === w0 && slots[s + W0 + 1] === w1 && slots[s + W0 + 2] === w2 && slots[s + W0 + 3] === w3) return s;
    }
  }

  /** The slot of a subscription by its lower-case text, or -1; for callers holding text, and tests. */
  findText(subscription: string): number {
    if (subscription.length !== 36 || readGuid(subscription, 0) !== LOWER_GUID) return -1;
    return this.find(GUID_WORDS[0]!, GUID_WORDS[1]!, GUID_WORDS[2]!, GUID_WORDS[3]!);
  }

  /** The flags the policy at `position` gives the subscription in `slot` (find's answer); 0 when none or slot < 0. */
  flags(slot: number, position: number): number {
    if (slot < 0) return 0;
    const slots = this.slots;
    if (slots[slot + POLICY] === position + 1) return slots[slot + FLAGS]!;
    const more = this.more;
    for (let t = slots[slot + MORE_FIRST]! - 1; t >= 0; t = more[t + 2]! - 1) if (more[t] === position) return more[t + 1]!;
    return 0;
  }

  /** Subscriptions held. */
  get size(): number {
    return this.count;
  }

  /** Slots in the table (for tests: sized by the subscriptions held, not by how often lists repeat them). */
  get slotCount(): number {
    return this.slots.length / STRIDE;
  }

  /** The most slots one lookup reads (for tests: short however the GUIDs are made). */
  get longestProbe(): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let longest = 0;
    for (let s = 0; s < slots.length; s += STRIDE) {
      if (slots[s + POLICY] === 0) continue;
      let probe = 1;
      for (let p = (mix(slots[s + W0]!, slots[s + W0 + 1]!, slots[s + W0 + 2]!, slots[s + W0 + 3]!) >>> this.shift) * STRIDE; p !== s; p = (p + STRIDE) & mask) probe++;
      longest = Math.max(longest, probe);
    }
    return longest;
  }
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
  // Sized by the longest list: the distinct subscriptions are at least that many, and often no
  // more (autoApproval is within visibility; policies list the same ones). The lists' sum, the
  // bound from above, made 100 policies with the same 10,000 GUIDs in two lists a 128 MB table
  // (found by review); a set with more distinct ones grows, doubling, a few times.
  let longest = 0;
  for (const p of policies) {
    const visible = p.visibility instanceof Set ? p.visibility.size : 0;
    longest = Math.max(longest, p.denySubscriptions.size, p.autoApproval.size, visible, p.trustedSubnets.patterns.subscriptions?.size ?? 0, p.denySubnets.patterns.subscriptions?.size ?? 0);
  }
  const index = new SubscriptionIndex(longest);
  for (const p of policies) {
    for (const s of p.denySubscriptions) index.add(s, p.position, DENIED);
    for (const s of p.autoApproval) index.add(s, p.position, AUTO_APPROVED);
    if (p.visibility instanceof Set) for (const s of p.visibility) index.add(s, p.position, VISIBLE);
    for (const s of p.trustedSubnets.patterns.subscriptions ?? []) index.add(s, p.position, TRUSTED_SUBNET_PATTERNS);
    for (const s of p.denySubnets.patterns.subscriptions ?? []) index.add(s, p.position, DENIED_SUBNET_PATTERNS);
  }
  return index;
}
