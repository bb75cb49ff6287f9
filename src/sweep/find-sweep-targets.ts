/**
 * The sweep's view of the world: every provider resource with private endpoint connections in
 * the configured scopes, from Resource Graph (one paged query instead of a list call per
 * resource), plus targets listed in settings that Resource Graph does not expose.
 * Only targets some policy governs are kept: the sweep never touches anything else.
 */
import type { ArmClient, ArmConnection } from '../arm/types.js';
import type { SweepScope } from '../config/read-config.js';
import { parseArmId, type ArmId } from '../ids/arm-id.js';
import { isRecord } from '../util/is-record.js';

/** Resources that have connections at all: the sweep needs Approved and Rejected ones too, for drift. */
export const SWEEP_QUERY = [
  'resources',
  '| where isnotnull(properties.privateEndpointConnections) and array_length(properties.privateEndpointConnections) > 0',
  '| project id, type, subscriptionId, privateEndpointConnections = properties.privateEndpointConnections',
].join('\n');

export const SWEEP_PAGE_SIZE = 1000;

/**
 * Subscriptions named in one query. Resource Graph takes at most 1,000 per request and Microsoft's
 * throttling guidance recommends groups under 300: a larger scope list becomes several queries.
 */
export const SUBSCRIPTIONS_PER_QUERY = 300;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export interface SweepTarget {
  target: ArmId;
  /** The connections as Resource Graph saw them (may lag ARM); undefined for targets read directly. */
  snapshot: ArmConnection[] | undefined;
}


/** Connections from a Resource Graph row, dropping junk entries. */
export function connectionsOfRow(row: Record<string, unknown>): ArmConnection[] {
  const list = row['privateEndpointConnections'] ?? (isRecord(row['properties']) ? row['properties']['privateEndpointConnections'] : undefined);
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is ArmConnection => isRecord(c) && typeof c['id'] === 'string');
}

export async function findSweepTargets(
  arm: ArmClient,
  scopes: SweepScope[],
  extraTargets: string[],
  governs: (targetKey: string) => boolean,
): Promise<{ targets: SweepTarget[]; skipped: number; invalid: string[] }> {
  const found = new Map<string, SweepTarget>();
  let skipped = 0;
  const invalid: string[] = [];
  const subscriptions = scopes.filter((s) => s.kind === 'subscription').map((s) => s.id);
  const managementGroups = scopes.filter((s) => s.kind === 'managementGroup').map((s) => s.id);
  const queries = [
    ...chunks(subscriptions, SUBSCRIPTIONS_PER_QUERY).map((group) => ({ subscriptions: group })),
    ...(managementGroups.length > 0 ? [{ managementGroups }] : []),
  ];
  for (const scope of queries) {
    for await (const row of arm.queryResourceGraph({ query: SWEEP_QUERY, pageSize: SWEEP_PAGE_SIZE, ...scope })) {
      const parsed = parseArmId(row['id']);
      if (!parsed.ok || parsed.id.provider === undefined) {
        invalid.push(String(row['id']));
        continue;
      }
      if (!governs(parsed.id.key)) {
        skipped++;
        continue;
      }
      found.set(parsed.id.key, { target: parsed.id, snapshot: connectionsOfRow(row) });
    }
  }
  for (const text of extraTargets) {
    const parsed = parseArmId(text);
    if (!parsed.ok || parsed.id.provider === undefined) {
      invalid.push(text);
      continue;
    }
    if (!governs(parsed.id.key)) {
      skipped++;
      continue;
    }
    if (!found.has(parsed.id.key)) found.set(parsed.id.key, { target: parsed.id, snapshot: undefined });
  }
  return { targets: [...found.values()], skipped, invalid };
}
