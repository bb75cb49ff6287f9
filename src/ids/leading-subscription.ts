/**
 * The subscription an ARM ID starts with, read without parsing the whole ID: every decision asks
 * it of the consumer's endpoint ID (and perhaps of its subnet's), so ARM's own spelling is checked
 * by character codes, and a regular expression judges only the other spellings.
 *
 * The GUID is read as numbers (GUID_WORDS) in the same walk that checks its characters: the
 * subscription index is keyed by them, so a decision needs no slice of the ID, no string hash and
 * no string compare (each of which was a V8 runtime call on a fresh sliced string; perf on the
 * bench's distinct cases put String::SlowEquals and its helpers at ~7% of the profile). The text
 * is cut only when a reason names the subscription.
 */
// Without the u flag, on purpose: /iu would also fold U+017F (ſ) to s, which parseArmId rejects.
const LEADING_SUBSCRIPTION = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/|$)/i;
const PREFIX = '/subscriptions/';
const PREFIX_CODES = Int32Array.from(PREFIX, (c) => c.charCodeAt(0));
const GUID_START = PREFIX.length;
const GUID_END = GUID_START + 36;
/** Per character code below 128: the hex digit's value, plus 16 for an upper-case one; -1 for any other character. */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  if (d >= 10) HEX['0123456789ABCDEF'.charCodeAt(d)] = d + 16;
}

/** The 128 bits of the GUID the last readGuid/leadingGuid call accepted, as four 32-bit words in text order. */
export const GUID_WORDS = new Int32Array(4);

/** readGuid's answers: not a GUID, a GUID in lower case, a GUID with upper-case hex digits. */
export const NOT_GUID = 0;
export const LOWER_GUID = 1;
export const UPPER_GUID = 2;

/**
 * The 36 characters of `text` at `from` read as a GUID (8-4-4-4-12 hex digits, either case) into
 * GUID_WORDS. What follows them is the caller's business. One table read and one test per
 * character (the walk is most of a decision's reading of the endpoint ID).
 */
export function readGuid(text: string, from: number): number {
  if (text.length < from + 36) return NOT_GUID;
  let kinds = 0;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(from + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45 /* - */) return NOT_GUID;
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v < 0) return NOT_GUID;
    kinds |= v;
    word = (word << 4) | (v & 15);
    if ((++digits & 7) === 0) GUID_WORDS[(digits >> 3) - 1] = word;
  }
  return (kinds & 16) === 0 ? LOWER_GUID : UPPER_GUID;
}

/**
 * Whether the ARM ID starts with `/subscriptions/{guid}` followed by `/` or its end (the prefix in
 * any case): the GUID's kind (LOWER_GUID, UPPER_GUID) with its words in GUID_WORDS, or NOT_GUID.
 * ARM's spelling (lower-case prefix) is checked by character codes; the case-insensitive regex
 * judges any other prefix.
 */
export function leadingGuid(id: string): number {
  if (id.length < GUID_END || (id.length > GUID_END && id.charCodeAt(GUID_END) !== 47)) return NOT_GUID;
  for (let i = 0; i < GUID_START; i++) {
    if (id.charCodeAt(i) !== PREFIX_CODES[i]) return LEADING_SUBSCRIPTION.test(id) ? readGuid(id, GUID_START) : NOT_GUID;
  }
  return readGuid(id, GUID_START);
}

/** The GUID text of an ID leadingGuid answered `kind` for (not NOT_GUID), in lower case. */
export function leadingGuidText(id: string, kind: number): string {
  const guid = id.slice(GUID_START, GUID_END);
  return kind === LOWER_GUID ? guid : guid.toLowerCase();
}

/** The subscription of `/subscriptions/{guid}/...`, lower case, without parsing the whole ID. */
export function leadingSubscription(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const kind = leadingGuid(id);
  return kind === NOT_GUID ? undefined : leadingGuidText(id, kind);
}
