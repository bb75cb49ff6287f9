/**
 * Targets that are valid ARM ID patterns yet can never govern anything: a type linkgate does not
 * know (a typo such as `storageAccount`), a trailing '/', a child resource (a connection, a
 * subnet, a blob service) or a private endpoint (the consumer side) instead of the provider
 * resource. Each is refused with the target as it should have been written, where that is known.
 */
import { lookupResourceType, RESOURCE_TYPE_LIST } from '../arm/resource-types.js';
import { compileIdPattern } from '../ids/id-pattern.js';
import { nearest } from './nearest.js';

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
}

const CONNECTION_TYPES = new Set(['privateendpointconnections', 'privateendpointconnectionproxies']);

function hasWildcard(segment: string): boolean {
  return segment.includes('*');
}

function join(segments: readonly string[]): string {
  return '/' + segments.join('/');
}

/** Checks the resource type a target pattern names, given its segments (no leading or trailing '/'). */
function lintType(segments: string[]): Finding | undefined {
  const p = segments.findIndex((s, i) => i >= 2 && s.toLowerCase() === 'providers');
  if (p < 0) {
    if (segments.some((s) => s === '**') || segments.length > 4) return undefined;
    return {
      rule: 'target-not-a-resource',
      severity: 'error',
      message: 'names a subscription or resource group, not a provider resource, so it matches no connection',
      fix: `name the resources: ${join(segments)}/providers/{namespace}/{type}/{name} (with * wildcards), or ${join(segments)}/** for every resource under it`,
    };
  }
  const namespace = segments[p + 1];
  const rest = segments.slice(p + 2);
  if (namespace === undefined || hasWildcard(namespace)) return undefined;
  const typeSegments: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const type = rest[i] as string;
    if (hasWildcard(type)) break;
    typeSegments.push(type);
  }
  // A wildcard in a type position: only the literal part before it can be judged.
  const complete = typeSegments.length === Math.ceil(rest.length / 2) && !rest.some((s) => s === '**');
  if (!complete) {
    const known = RESOURCE_TYPE_LIST.some((e) => e.type.toLowerCase().startsWith(`${[namespace, ...typeSegments].join('/').toLowerCase()}`));
    if (known) return undefined;
    const suggestion = nearest(namespace, new Set(RESOURCE_TYPE_LIST.map((e) => e.type.split('/')[0] as string)));
    return {
      rule: 'target-unknown-type',
      severity: 'error',
      message: `no type in linkgate's resource-type registry starts with '${[namespace, ...typeSegments].join('/')}'`,
      fix: suggestion === undefined ? 'use a provider namespace that has a registered type (src/arm/resource-types.ts lists them)' : `did you mean the namespace '${suggestion}'?`,
    };
  }
  const fullType = [namespace, ...typeSegments].join('/');
  if (lookupResourceType(fullType) !== undefined) return undefined;
  const last = (typeSegments[typeSegments.length - 1] ?? '').toLowerCase();
  if (CONNECTION_TYPES.has(last) && typeSegments.length > 1) {
    return {
      rule: 'target-child-resource',
      severity: 'error',
      message: `names a private endpoint connection (${fullType}), not the provider resource it belongs to`,
      fix: `target the provider resource: ${join(segments.slice(0, -2))}`,
    };
  }
  if (fullType.toLowerCase() === 'microsoft.network/privateendpoints') {
    return {
      rule: 'target-private-endpoint',
      severity: 'error',
      message: "names a private endpoint: that is the consumer's side, not a resource consumers connect to",
      fix: "target the provider resource (e.g. …/providers/Microsoft.Storage/storageAccounts/{name}); to trust consumers by where their endpoint sits, use trustedSubnets",
    };
  }
  if (fullType.toLowerCase() === 'microsoft.network/virtualnetworks/subnets') {
    return {
      rule: 'target-child-resource',
      severity: 'error',
      message: 'names a subnet, not a provider resource',
      fix: 'subnets belong in trustedSubnets or deny.subnets; targets name the resources consumers connect to',
    };
  }
  for (let n = typeSegments.length - 1; n >= 1; n--) {
    const parentType = [namespace, ...typeSegments.slice(0, n)].join('/');
    const parent = lookupResourceType(parentType);
    if (parent !== undefined) {
      return {
        rule: 'target-child-resource',
        severity: 'error',
        message: `names a child resource (${fullType}) of a ${parent.type}; connections belong to the ${parent.type}`,
        fix: `target the parent: ${join(segments.slice(0, p + 2 + n * 2))}`,
      };
    }
  }
  const suggestion = nearest(fullType, RESOURCE_TYPE_LIST.map((e) => e.type));
  let fix = "use a type from linkgate's registry (src/arm/resource-types.ts), or add the type there if it supports private endpoint connections";
  if (suggestion !== undefined) {
    const suggested = suggestion.split('/');
    fix = `did you mean '${suggestion}'?`;
    if (suggested.length - 1 === typeSegments.length) {
      const fixed = [...segments];
      fixed[p + 1] = suggested[0] as string;
      suggested.slice(1).forEach((type, k) => (fixed[p + 2 + k * 2] = type));
      fix += ` write ${join(fixed)}`;
    }
  }
  return { rule: 'target-unknown-type', severity: 'error', message: `resource type '${fullType}' is not in linkgate's resource-type registry, so this target governs nothing`, fix };
}

/** Findings for one entry of `targets`; none when the pattern does not compile (the loader reports that). */
export function lintTarget(target: string): Finding[] {
  if (!compileIdPattern(target).ok) return [];
  const findings: Finding[] = [];
  const trimmed = target.endsWith('/') ? target.slice(0, -1) : target;
  if (trimmed !== target) {
    findings.push({ rule: 'target-trailing-slash', severity: 'error', message: "ends in '/': an ARM resource ID never does", fix: `write ${trimmed}` });
  }
  const type = lintType(trimmed.slice(1).split('/'));
  if (type !== undefined) findings.push(type);
  return findings;
}
