/**
 * Trusted entries that a deny entry of the same policy makes dead: deny overrides every approval
 * (DESIGN §2), so an auto-approved subscription that is also denied, or a trusted CIDR inside a
 * denied one, can never approve anything. Legal, but almost always a mistake: a warning.
 */
import { compileIdPattern, matchIdSegments } from '../ids/id-pattern.js';
import { ipv4BlockKey, looksLikeCidr, parseCidr, type Cidr } from '../net/cidr.js';

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

function within(inner: Cidr, outer: Cidr): boolean {
  if (inner.version === 4 && outer.version === 4) return outer.start <= inner.start && inner.end <= outer.end;
  if (inner.version === 6 && outer.version === 6) return outer.start <= inner.start && inner.end <= outer.end;
  return false;
}

/** True when every subnet ID the trusted pattern matches, the deny pattern matches too. */
function patternCovers(deny: string, trusted: string): boolean {
  if (deny.toLowerCase() === trusted.toLowerCase()) return true;
  // Reading the trusted pattern's text as an ID is exact for '*' and globs, not for '**'.
  if (trusted.includes('**')) return false;
  const compiled = compileIdPattern(deny);
  return compiled.ok && matchIdSegments(compiled.pattern, trusted.toLowerCase().replace(/\/$/u, '').slice(1).split('/'));
}

/** The first deny block holding every address of a trusted CIDR entry; a strict IPv4 block is read as numbers. */
function denyCidrCovering(entry: string, denyCidrs: ReadonlyArray<{ entry: string; cidr: Cidr }>): { entry: string; cidr: Cidr } | undefined {
  const key = ipv4BlockKey(entry);
  if (key >= 0) {
    const start = Math.floor(key / 64);
    const end = start + 2 ** (32 - (key - start * 64)) - 1;
    return denyCidrs.find((d) => d.cidr.version === 4 && d.cidr.start <= start && end <= d.cidr.end);
  }
  const parsed = parseCidr(entry);
  return parsed.ok ? denyCidrs.find((d) => within(parsed.cidr, d.cidr)) : undefined;
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
  const denyCidrs = denySubnets.flatMap(([entry]) => {
    if (!looksLikeCidr(entry)) return [];
    const parsed = parseCidr(entry);
    return parsed.ok ? [{ entry, cidr: parsed.cidr }] : [];
  });
  for (const [entry, i] of strings(policy['trustedSubnets'])) {
    if (looksLikeCidr(entry)) {
      if (denyCidrs.length === 0) continue;
      const cover = denyCidrCovering(entry, denyCidrs);
      if (cover !== undefined) {
        dead.push({ pointer: `/trustedSubnets/${i}`, message: `every address in ${entry} is inside deny.subnets entry ${cover.entry}: deny wins, so this entry never approves`, fix: `remove ${entry} from trustedSubnets, or narrow the deny entry ${cover.entry}` });
      }
      continue;
    }
    const cover = denySubnets.find(([d]) => !looksLikeCidr(d) && patternCovers(d, entry));
    if (cover !== undefined) {
      dead.push({ pointer: `/trustedSubnets/${i}`, message: `every subnet '${entry}' matches is also matched by deny.subnets entry '${cover[0]}': deny wins, so this entry never approves`, fix: 'remove it from trustedSubnets, or narrow the deny entry' });
    }
  }
  return dead;
}
