/**
 * One read of a subnet list (`trustedSubnets`, `deny.subnets`: up to 100,000 CIDRs and 10,000 ID
 * patterns) serves the loader's three needs: its duplicates (as the schema's `uniqueItems` sees
 * them), its semantic errors, and the compiler's parsed blocks and patterns. Each entry used to
 * be parsed three times and the IPv4 blocks sorted twice. The scan is remembered per list
 * (weakly, so a discarded policy set takes it along) with a copy of the entries it read, and used
 * again only for a list holding the very same entries, so a list built or changed by hand is
 * scanned afresh. When every IPv4 block is strict (the usual list), the scan's own parts (the
 * blocks' texts in order, the other entries in order, a mark per position) are that copy: copying
 * 110,000 entries allocated 880 KB per load for nothing else.
 */
import { compileIdPatternGeneral, type IdPattern } from '../ids/id-pattern.js';
import { compileTrailingWildcards } from '../ids/id-pattern-fast.js';
import { IdPatternIndex } from '../ids/id-pattern-index.js';
import type { PreparedBlocks } from '../net/cidr-index.js';
import { looksLikeCidr, parseCidr, readIpv4Block } from '../net/cidr.js';
import { sortIpv4Blocks } from '../net/sort-ipv4-blocks.js';

export interface SubnetEntryError {
  index: number;
  message: string;
  fix: string;
}

export interface SubnetListScan {
  /** Some entry is listed twice (the same text). */
  duplicate: boolean;
  /** Entries that are neither a valid CIDR block nor a subnet ID pattern, in list order. */
  errors: SubnetEntryError[];
  /** Entries routed to CIDR parsing (valid or not), as the compiled matcher counts them. */
  cidrEntries: number;
  blocks: PreparedBlocks<string>;
  patterns: Array<{ pattern: IdPattern; entry: string }>;
  /** The patterns indexed, built once here: its bucketing also finds a pattern listed twice. */
  patternIndex: IdPatternIndex<string>;
  /**
   * For the revision: when every IPv4 block is strict (its text canonical, so its two numbers say
   * it all), 1 at the positions of those blocks, and the other entries in list order.
   */
  strict: { marks: Uint8Array; others: string[]; othersPlain: boolean } | undefined;
}

/** `entries`: a copy of the list, kept only when the scan's parts cannot tell its entries (see sameList). */
const scans = new WeakMap<readonly unknown[], { entries: readonly unknown[] | undefined; scan: SubnetListScan }>();

const CIDR_FIX = 'write an IPv4 or IPv6 block such as 10.20.0.0/16 or fd00:1::/48';
const PATTERN_FIX = 'write /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet} (wildcards allowed) or a CIDR block';

function sameEntries(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Does `list` hold the very entries the scan read? By the scan's parts, or by the copy kept beside it. */
function sameList(remembered: { entries: readonly unknown[] | undefined; scan: SubnetListScan }, list: readonly unknown[]): boolean {
  if (remembered.entries !== undefined) return sameEntries(remembered.entries, list);
  const strict = remembered.scan.strict!;
  const marks = strict.marks;
  if (marks.length !== list.length) return false;
  const blocks = remembered.scan.blocks.ipv4.entries;
  const others = strict.others;
  let block = 0;
  let other = 0;
  for (let i = 0; i < marks.length; i++) {
    if (list[i] !== (marks[i] === 1 ? blocks[block++] : others[other++])) return false;
  }
  return true;
}

/** Is a strict IPv4 block (text canonical, so equal numbers mean equal text) listed twice? */
function hasDuplicateBlocks(starts: Uint32Array, prefixes: Uint8Array, order: Uint32Array, count: number): boolean {
  for (let k = 1; k < count; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (starts[a] === starts[b] && prefixes[a] === prefixes[b]) return true;
  }
  return false;
}

/** The scan, or undefined as soon as an entry is not a string (a schema error, checked entry by entry). */
function scan(list: readonly unknown[]): SubnetListScan | undefined {
  const starts = new Uint32Array(list.length);
  const prefixes = new Uint8Array(list.length);
  // Sized once (the first `count` are the blocks): pushing 100,000 entries regrew it ~25 times.
  const v4Entries = new Array<string>(list.length);
  const ipv6: Array<{ start: bigint; end: bigint; entry: string }> = [];
  const patterns: Array<{ pattern: IdPattern; entry: string }> = [];
  const errors: SubnetEntryError[] = [];
  const marks = new Uint8Array(list.length);
  const nonBlocks: string[] = [];
  // Texts that are not strict IPv4 blocks, for duplicates; the blocks are compared as numbers.
  const others = new Set<string>();
  let duplicate = false;
  let cidrEntries = 0;
  let count = 0;
  // A block parsed the long way (a bare address, an IPv4-mapped IPv6 block) has no canonical text.
  let allStrict = true;
  // Every other entry has the common pattern shape, whose characters JSON writes as they are.
  let othersPlain = true;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (typeof entry !== 'string') return undefined;
    if (looksLikeCidr(entry)) {
      cidrEntries++;
      if (readIpv4Block(entry, starts, prefixes, count)) {
        v4Entries[count++] = entry;
        marks[i] = 1;
        continue;
      }
      nonBlocks.push(entry);
      othersPlain = false;
      if (others.size === others.add(entry).size) duplicate = true;
      const cidr = parseCidr(entry);
      if (!cidr.ok) errors.push({ index: i, message: `'${entry}' is not a valid CIDR block: ${cidr.error}`, fix: cidr.fix ?? CIDR_FIX });
      else if (cidr.cidr.version === 6) ipv6.push({ start: cidr.cidr.start, end: cidr.cidr.end, entry });
      else {
        starts[count] = cidr.cidr.start;
        prefixes[count] = cidr.cidr.prefix;
        v4Entries[count++] = entry;
        allStrict = false;
      }
    } else {
      nonBlocks.push(entry);
      // The common shape first, without the result object compileIdPattern wraps it in.
      const common = compileTrailingWildcards(entry);
      if (common !== undefined) {
        patterns.push({ pattern: common, entry });
        continue;
      }
      othersPlain = false;
      const compiled = compileIdPatternGeneral(entry);
      if (compiled.ok) patterns.push({ pattern: compiled.pattern, entry });
      else {
        if (others.size === others.add(entry).size) duplicate = true;
        errors.push({ index: i, message: `'${entry}' is not a subnet ID pattern: ${compiled.error}`, fix: PATTERN_FIX });
      }
    }
  }
  const order = sortIpv4Blocks(starts, prefixes, count);
  // Compiled patterns are compared in the index's buckets (equal texts share one), not hashed whole.
  const patternIndex = new IdPatternIndex(patterns);
  if (patternIndex.repeats) duplicate = true;
  if (!duplicate) duplicate = allStrict ? hasDuplicateBlocks(starts, prefixes, order, count) : strictDuplicates(list as readonly string[]);
  const strict = allStrict ? { marks, others: nonBlocks, othersPlain } : undefined;
  return { duplicate, errors, cidrEntries, blocks: { ipv4: { count, starts, prefixes, entries: v4Entries, order }, ipv6 }, patterns, patternIndex, strict };
}

/** The strict blocks alone, when others were parsed beside them (rare: bare addresses, mapped blocks). */
function strictDuplicates(list: readonly string[]): boolean {
  const starts = new Uint32Array(list.length);
  const prefixes = new Uint8Array(list.length);
  let count = 0;
  for (const entry of list) if (readIpv4Block(entry, starts, prefixes, count)) count++;
  return hasDuplicateBlocks(starts, prefixes, sortIpv4Blocks(starts, prefixes, count), count);
}

/**
 * The remembered scan of a list without checking its entries again (110,000 compares a check):
 * only for the loader, on a list it parsed itself and scanned since, with no other code run in
 * between that could change it. Anyone else asks scanSubnetList.
 */
export function scanOfListJustScanned(list: readonly unknown[]): SubnetListScan | undefined {
  return scans.get(list)?.scan ?? scanSubnetList(list);
}

/** The scan of a list of strings (remembered), or undefined for a list holding anything else. */
export function scanSubnetList(list: readonly unknown[]): SubnetListScan | undefined {
  const remembered = scans.get(list);
  if (remembered !== undefined && sameList(remembered, list)) return remembered.scan;
  const result = scan(list);
  if (result !== undefined) scans.set(list, { entries: result.strict === undefined ? list.slice() : undefined, scan: result });
  return result;
}
