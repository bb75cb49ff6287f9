/**
 * Trusted entries that a deny entry of the same policy makes dead: deny overrides every approval
 * (DESIGN §2), so an auto-approved subscription that is also denied, or a trusted CIDR inside a
 * denied one, can never approve anything. Legal, but almost always a mistake: a warning.
 */
import { compileIdPattern, matchIdSegments } from '../ids/id-pattern.js';
import { ipv4BlockKey, looksLikeCidr, parseCidr } from '../net/cidr.js';
import { DenyCidrCover, type DenyCidr } from './deny-cidr-cover.js';

export interface DeadEntry {
  pointer: string;
  message: string;
  fix: string;
}

function strings(value: unknown): Array<[string, number]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, i) => (typeof entry === 'string' ? [[entry, i] as [string, number]] : []));
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

interface DenyPattern {
  entry: string;
  lower: string;
  compiled: ReturnType<typeof compileIdPattern>;
}

/** True when every subnet ID the trusted pattern matches, the deny pattern matches too. */
function patternCovers(deny: DenyPattern, trusted: string, trustedLower: string): boolean {
  if (deny.lower === trustedLower) return true;
  // Reading the trusted pattern's text as an ID is exact for '*' and globs, not for '**'.
  if (trusted.includes('**')) return false;
  return deny.compiled.ok && matchIdSegments(deny.compiled.pattern, trustedLower.replace(/\/$/u, '').slice(1).split('/'));
}

/** The first deny block holding every address of a trusted CIDR entry; a strict IPv4 block is read as numbers. */
function denyCidrCovering(entry: string, denyCidrs: DenyCidrCover): DenyCidr | undefined {
  const key = ipv4BlockKey(entry);
  if (key >= 0) {
    const start = Math.floor(key / 64);
    return denyCidrs.coverIpv4(start, key - start * 64);
  }
  const parsed = parseCidr(entry);
  return parsed.ok ? denyCidrs.cover(parsed.cidr) : undefined;
}

export function findDeadEntries(document: unknown): DeadEntry[] {
  const policy = record(document);
  const deny = record(policy['deny']);
  const dead: DeadEntry[] = [];
  const denied = (list: unknown): Map<string, string> => new Map(strings(list).map(([v]) => [v.toLowerCase(), v]));

  const deniedSubscriptions = denied(deny['subscriptions']);
  for (const [subscription, i] of strings(policy['autoApproval'])) {
    if (deniedSubscriptions.has(subscription.toLowerCase())) {
      dead.push({ pointer: `/autoApproval/${i}`, message: `subscription ${subscription} is auto-approved and also in deny.subscriptions: deny wins, so this entry never approves`, fix: 'remove it from autoApproval or from deny.subscriptions' });
    }
  }
  const deniedTenants = denied(deny['tenants']);
  for (const [tenant, i] of strings(policy['trustedTenants'])) {
    if (deniedTenants.has(tenant.toLowerCase())) {
      dead.push({ pointer: `/trustedTenants/${i}`, message: `tenant ${tenant} is trusted and also in deny.tenants: deny wins, so this entry never approves`, fix: 'remove it from trustedTenants or from deny.tenants' });
    }
  }
  const denySubnets = strings(deny['subnets']);
  const denyCidrs = new DenyCidrCover(
    denySubnets.flatMap(([entry]) => {
      if (!looksLikeCidr(entry)) return [];
      const parsed = parseCidr(entry);
      return parsed.ok ? [{ entry, cidr: parsed.cidr }] : [];
    }),
  );
  // Each deny pattern compiled once, not once per trusted entry it is compared with.
  const denyPatterns: DenyPattern[] = denySubnets.flatMap(([entry]) => (looksLikeCidr(entry) ? [] : [{ entry, lower: entry.toLowerCase(), compiled: compileIdPattern(entry) }]));
  for (const [entry, i] of strings(policy['trustedSubnets'])) {
    if (looksLikeCidr(entry)) {
      if (denyCidrs.size === 0) continue;
      const cover = denyCidrCovering(entry, denyCidrs);
      if (cover !== undefined) {
        dead.push({ pointer: `/trustedSubnets/${i}`, message: `every address in ${entry} is inside deny.subnets entry ${cover.entry}: deny wins, so this entry never approves`, fix: `remove ${entry} from trustedSubnets, or narrow the deny entry ${cover.entry}` });
      }
      continue;
    }
    if (denyPatterns.length === 0) continue;
    const lower = entry.toLowerCase();
    const cover = denyPatterns.find((d) => patternCovers(d, entry, lower));
    if (cover !== undefined) {
      dead.push({ pointer: `/trustedSubnets/${i}`, message: `every subnet '${entry}' matches is also matched by deny.subnets entry '${cover.entry}': deny wins, so this entry never approves`, fix: 'remove it from trustedSubnets, or narrow the deny entry' });
    }
  }
  return dead;
}
