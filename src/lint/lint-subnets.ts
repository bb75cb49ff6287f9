/**
 * Subnet entries (trustedSubnets, deny.subnets) that are ARM ID patterns but can never match a
 * subnet ID, such as `…/virtualNetworks/hub/subnet/*` or a VNet ID without `/subnets/…`: they
 * compile, match nothing, and an approval or a deny the author relies on silently never happens.
 */
import { compileIdPattern } from '../ids/id-pattern.js';
import { ipv4BlockKey, looksLikeCidr, parseCidr } from '../net/cidr.js';
import type { Finding } from './lint-targets.js';

/** A subnet ID, segment by segment: literals as Azure spells them, undefined for a name. */
const SHAPE: ReadonlyArray<string | undefined> = ['subscriptions', undefined, 'resourceGroups', undefined, 'providers', 'Microsoft.Network', 'virtualNetworks', undefined, 'subnets', undefined];
const SHAPE_TEXT = '/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}';

function globMatches(segment: string, literal: string): boolean {
  if (!segment.includes('*')) return segment.toLowerCase() === literal.toLowerCase();
  const regex = new RegExp(`^${segment.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('.*')}$`, 'iu');
  return regex.test(literal);
}

/** Can a pattern with '**' match some subnet ID? ('**' spans any number of segments.) */
function canMatchShape(pattern: readonly string[], p: number, s: number): boolean {
  if (p === pattern.length) return s === SHAPE.length;
  const segment = pattern[p] as string;
  if (segment === '**') {
    for (let skip = s; skip <= SHAPE.length; skip++) if (canMatchShape(pattern, p + 1, skip)) return true;
    return false;
  }
  if (s === SHAPE.length) return false;
  const literal = SHAPE[s];
  return (literal === undefined || globMatches(segment, literal)) && canMatchShape(pattern, p + 1, s + 1);
}

export function lintSubnetEntry(entry: string): Finding | undefined {
  if (looksLikeCidr(entry) || !compileIdPattern(entry).ok) return undefined;
  const segments = (entry.endsWith('/') ? entry.slice(0, -1) : entry).slice(1).split('/');
  const problem = (message: string, fix: string): Finding => ({ rule: 'subnet-pattern-shape', severity: 'error', message, fix });
  if (segments.includes('**')) {
    if (canMatchShape(segments, 0, 0)) return undefined;
    return problem(`'${entry}' can never match a subnet ID`, `a subnet ID is ${SHAPE_TEXT}; '*' is one segment, '**' any number`);
  }
  if (segments.length === 8 && globMatches(segments[6] ?? '', 'virtualNetworks')) {
    return problem(`'${entry}' names a virtual network, not a subnet: a private endpoint's subnet ID never matches it`, `write ${entry}/subnets/* to trust every subnet of that virtual network`);
  }
  if (segments.length !== SHAPE.length) {
    return problem(`'${entry}' has ${segments.length} path segments; a subnet ID has ${SHAPE.length}`, `write ${SHAPE_TEXT} (wildcards allowed), or a CIDR block`);
  }
  for (let i = 0; i < SHAPE.length; i++) {
    const literal = SHAPE[i];
    const segment = segments[i] as string;
    if (literal === undefined || globMatches(segment, literal)) continue;
    const fixed = [...segments];
    fixed[i] = literal;
    return problem(`'${segment}' where a subnet ID has '${literal}', so this entry matches no subnet`, `write /${fixed.join('/')}`);
  }
  return undefined;
}

/**
 * Widest trusted CIDR blocks that still name somebody's network. IPv4: /8 is the widest private
 * block (10.0.0.0/8, RFC 1918); anything wider spans public space of many owners. IPv6: /16 is
 * wider than any registry's allocation to one holder (RIRs get /12s from IANA and hand out /32s
 * and longer), so a shorter prefix, up to ::/0, trusts networks nobody vetted.
 */
const WIDEST_TRUSTED_PREFIX = { 4: 8, 6: 16 } as const;

/** A trustedSubnets CIDR so wide that it trusts (nearly) every consumer whose IP linkgate can read. */
export function lintTrustedCidrWidth(entry: string): Finding | undefined {
  if (!looksLikeCidr(entry)) return undefined;
  // The usual entry, a strict IPv4 block, read as a number: no object for each of 100,000 CIDRs.
  const key = ipv4BlockKey(entry);
  if (key >= 0 && key - Math.floor(key / 64) * 64 >= WIDEST_TRUSTED_PREFIX[4]) return undefined;
  const parsed = parseCidr(entry);
  if (!parsed.ok) return undefined;
  const widest = WIDEST_TRUSTED_PREFIX[parsed.cidr.version];
  if (parsed.cidr.prefix >= widest) return undefined;
  return {
    rule: 'subnet-too-broad',
    severity: 'warning',
    message: `'${entry}' trusts every consumer whose private endpoint IP is in it${parsed.cidr.prefix === 0 ? ', that is everyone whose IP linkgate can read' : ''} (a /${parsed.cidr.prefix} is wider than /${widest})`,
    fix: `trust the consumer's own ranges (IPv${parsed.cidr.version} /${widest} or narrower), or use visibility/autoApproval by subscription`,
  };
}
