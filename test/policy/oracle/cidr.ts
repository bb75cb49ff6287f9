/** Test oracle: src/net/cidr.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * CIDR blocks as closed intervals of addresses. Parsing is strict: a block with host bits set
 * (`10.20.1.0/16`) is refused with the canonical form as the fix, because it almost always means
 * the author meant a different, narrower range.
 */
import { formatIpv4, formatIpv6, mappedIpv4, parseIpv4, parseIpv6 } from './ip-address.js';

export type Cidr =
  | { version: 4; start: number; end: number; prefix: number; text: string }
  | { version: 6; start: bigint; end: bigint; prefix: number; text: string };

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; error: string; fix?: string };

function parsePrefix(text: string, max: number): number {
  if (!/^(0|[1-9][0-9]{0,2})$/u.test(text)) return -1;
  const n = Number(text);
  return n <= max ? n : -1;
}

/**
 * The common case of a policy list, a strict IPv4 block `a.b.c.d/n` with its host bits clear, as
 * one number: start · 64 + prefix. -1 for anything else (a bare address, IPv6, an error), which
 * parseCidr then handles. No allocation: the loader and the compiler run it on 100,000 entries.
 */
export function ipv4BlockKey(text: string): number {
  const length = text.length;
  // '0.0.0.0/0' to '255.255.255.255/32'.
  if (length < 9 || length > 18) return -1;
  // One pass over the address, as parseIpv4 reads it (no leading zeros, four octets of 0..255).
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (++digits > 3) return -1;
    } else if (c === 46 /* . */) {
      if (digits === 0 || dots === 3 || octet > 255) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c === 47 /* / */) break;
    else return -1;
  }
  if (dots !== 3 || digits === 0 || octet > 255 || length - i < 2 || length - i > 3) return -1;
  const start = value * 256 + octet;
  let prefix = text.charCodeAt(i + 1) - 48;
  if (prefix < 0 || prefix > 9) return -1;
  if (length - i === 3) {
    const d = text.charCodeAt(i + 2) - 48;
    // No leading zero ('/08'), as parsePrefix.
    if (prefix === 0 || d < 0 || d > 9) return -1;
    prefix = prefix * 10 + d;
    if (prefix > 32) return -1;
  }
  // Host bits set? (Integer masks, not a floating-point %: this runs 100,000 times per load.)
  const hostMask = prefix === 32 ? 0 : -1 >>> prefix;
  if ((start & hostMask) !== 0) return -1;
  return start * 64 + prefix;
}

/** Parses `a.b.c.d/n`, an IPv6 block, or a bare address (a /32 or /128). */
export function parseCidr(input: unknown): CidrResult {
  if (typeof input !== 'string' || input.length === 0 || input.length > 64) return { ok: false, error: 'not an IP address or CIDR block' };
  const slash = input.indexOf('/');
  const addressText = slash < 0 ? input : input.slice(0, slash);
  const prefixText = slash < 0 ? undefined : input.slice(slash + 1);

  const v4 = parseIpv4(addressText);
  if (v4 >= 0) {
    const prefix = prefixText === undefined ? 32 : parsePrefix(prefixText, 32);
    if (prefix < 0) return { ok: false, error: `prefix '/${prefixText ?? ''}' is not 0..32` };
    const size = 2 ** (32 - prefix);
    const start = Math.floor(v4 / size) * size;
    if (start !== v4) {
      const canonical = `${formatIpv4(start)}/${prefix}`;
      return { ok: false, error: `host bits are set in '${input}'`, fix: `write '${canonical}'` };
    }
    return { ok: true, cidr: { version: 4, start, end: start + size - 1, prefix, text: `${formatIpv4(start)}/${prefix}` } };
  }

  const v6 = parseIpv6(addressText);
  if (v6 === undefined) return { ok: false, error: `'${addressText}' is not an IPv4 or IPv6 address` };
  const prefix = prefixText === undefined ? 128 : parsePrefix(prefixText, 128);
  if (prefix < 0) return { ok: false, error: `prefix '/${prefixText ?? ''}' is not 0..128` };
  const hostBits = BigInt(128 - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const start = v6 & ~hostMask;
  if (start !== v6) {
    return { ok: false, error: `host bits are set in '${input}'`, fix: `write '${formatIpv6(start)}/${prefix}'` };
  }
  // An IPv4-mapped block (::ffff:10.0.0.0/104) is the IPv4 block it maps.
  if (prefix >= 96 && mappedIpv4(start) >= 0) {
    const v4Start = mappedIpv4(start);
    const v4Prefix = prefix - 96;
    return { ok: true, cidr: { version: 4, start: v4Start, end: v4Start + 2 ** (32 - v4Prefix) - 1, prefix: v4Prefix, text: input } };
  }
  return { ok: true, cidr: { version: 6, start, end: start | hostMask, prefix, text: `${formatIpv6(start)}/${prefix}` } };
}

/** True for strings that look like an address or block rather than an ARM ID (used to route `trustedSubnets` entries). */
export function looksLikeCidr(entry: string): boolean {
  return !entry.startsWith('/');
}
