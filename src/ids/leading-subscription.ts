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
import { Buffer } from 'node:buffer';
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
 * ARM's spelling (lower-case prefix) is read as bytes (leadingGuidBytes) or, when that cannot
 * judge, by character codes; the case-insensitive regex judges any other prefix.
 */
export function leadingGuid(id: string): number {
  if (id.length < GUID_END || (id.length > GUID_END && id.charCodeAt(GUID_END) !== 47)) return NOT_GUID;
  const kind = leadingGuidBytes(id);
  if (kind !== UNDECIDED) return kind;
  for (let i = 0; i < GUID_START; i++) {
    if (id.charCodeAt(i) !== PREFIX_CODES[i]) return LEADING_SUBSCRIPTION.test(id) ? readGuid(id, GUID_START) : NOT_GUID;
  }
  return readGuid(id, GUID_START);
}

/*
 * The byte path. Reading a character in optimized code costs a check of the string's
 * representation each time: the 52 characters of a prefix and GUID measured ~300 ns on the 2-core
 * VM (~20% of a distinct-case decision in perf), against ~55 ns for copying them into a buffer by
 * Buffer#write (UTF-8, a fast API call) and testing them four at a time as 32-bit words. UTF-8 keeps
 * an ASCII character at its index and turns any other into bytes >= 0x80, which no position here
 * accepts, so a copy of all 52 bytes (a character cut short stops the copy) decides exactly.
 */
const UNDECIDED = -1;
const BYTES = new ArrayBuffer(64);
/** The ID's character i at byte i + 1, so that the GUID starts on a word (byte 16); byte 0 stays 0. */
const SCRATCH = Buffer.from(BYTES);
const WORDS = new Int32Array(BYTES);
/** Words are read little-endian below: on a big-endian machine, the character path. */
const BYTE_PATH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PREFIX_WORDS = (() => {
  const words = new Int32Array(4);
  new Uint8Array(words.buffer).set(Array.from(`\0${PREFIX}`, (c) => c.charCodeAt(0)));
  return words;
})();
const HIGH = 0x80808080 | 0;

/** The 16 bits of each word's four hex digits, in text order (words 4-12 of WORDS). */
const NIBBLES = new Int32Array(13);

/**
 * The byte path's answer for an ID of at least 51 characters (52nd '/' or none), or UNDECIDED.
 * Written as one loop without calls: with the word tests as small functions, TurboFan left them
 * out of line (its inlining budget), and the calls cost more than the tests.
 */
function leadingGuidBytes(id: string): number {
  if (!BYTE_PATH) return UNDECIDED;
  const need = id.length > GUID_END ? GUID_END + 1 : GUID_END;
  // Documented: at most `need` bytes, and a character that does not fit whole is not written.
  // (Node's own utf8Write, which this calls, measured the same; it is not a public API.)
  if (SCRATCH.write(id, 1, need) !== need) return UNDECIDED;
  const w = WORDS;
  if (((w[0]! ^ PREFIX_WORDS[0]!) | (w[1]! ^ PREFIX_WORDS[1]!) | (w[2]! ^ PREFIX_WORDS[2]!) | (w[3]! ^ PREFIX_WORDS[3]!)) !== 0) return UNDECIDED;
  // The GUID's dashes sit in bytes 0, 1, 2 and 3 of words 6-9: checked, then read as '0' digits.
  const dashes = ((w[6]! & 0xff) ^ 0x2d) | ((w[7]! & 0xff00) ^ 0x2d00) | ((w[8]! & 0xff0000) ^ 0x2d0000) | ((w[9]! & (0xff000000 | 0)) ^ 0x2d000000);
  if (dashes !== 0) return NOT_GUID;
  w[6] = (w[6]! & ~0xff) | 0x30;
  w[7] = (w[7]! & ~0xff00) | 0x3000;
  w[8] = (w[8]! & ~0xff0000) | 0x300000;
  w[9] = (w[9]! & ~(0xff000000 | 0)) | 0x30000000;
  let bad = 0;
  let upper = 0;
  for (let i = 4; i < 13; i++) {
    const x = w[i]!;
    // Per byte b (all < 0x80, else refused below): b + (0x80 - lo) has its top bit set when b >= lo.
    const digit = (x + 0x50505050) & ~(x + 0x46464646);
    const y = x | 0x20202020;
    const letter = (y + 0x1f1f1f1f) & ~(y + 0x19191919);
    // A byte >= 0x80 would carry into its neighbour's test: it is refused on its own.
    bad |= (((digit | letter) & HIGH) ^ HIGH) | (x & HIGH);
    upper |= (x + 0x3f3f3f3f) & ~(x + 0x39393939);
    // A digit's value is its low four bits; a letter's low bits are 1-6 and it has bit 6: add 9.
    const n = (x & 0x0f0f0f0f) + 9 * ((x >>> 6) & 0x01010101);
    NIBBLES[i] = ((n & 0xf) << 12) | (((n >>> 8) & 0xf) << 8) | (((n >>> 16) & 0xf) << 4) | (n >>> 24);
  }
  if (bad !== 0) return NOT_GUID;
  const c = NIBBLES;
  // Words 6-9 hold a '0' for their dash: its nibble is left out.
  GUID_WORDS[0] = (c[4]! << 16) | c[5]!;
  GUID_WORDS[1] = (c[6]! << 20) | ((c[7]! >>> 12) << 16) | ((c[7]! & 0xff) << 8) | (c[8]! >>> 8);
  GUID_WORDS[2] = ((c[8]! & 0xf) << 28) | ((c[9]! >>> 4) << 16) | c[10]!;
  GUID_WORDS[3] = (c[11]! << 16) | c[12]!;
  return (upper & HIGH) === 0 ? LOWER_GUID : UPPER_GUID;
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
