/** The Resource Graph query answer: subscription and management-group scope, $top, and $skipToken paging. */
import { armError, isRecord, subscriptionOfPath, type Answer } from './arm-answer.js';
import { connectionToArm } from './arm-shapes.js';
import type { World } from './world-types.js';

const GRAPH_DEFAULT_TOP = 100;
const GRAPH_MAX_TOP = 1000;

export function graphQuery(world: World, body: unknown): Answer {
  if (!isRecord(body) || typeof body['query'] !== 'string' || body['query'].trim() === '') {
    return armError(400, 'BadRequest', 'The request body must hold a non-empty "query".');
  }
  const options = isRecord(body['options']) ? body['options'] : {};
  const top = options['$top'] ?? GRAPH_DEFAULT_TOP;
  if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > GRAPH_MAX_TOP) {
    return armError(400, 'BadRequest', `options.$top must be an integer between 1 and ${GRAPH_MAX_TOP}.`);
  }
  let scope: Set<string> | undefined;
  if (Array.isArray(body['subscriptions'])) scope = new Set(body['subscriptions'].map((s) => String(s).toLowerCase()));
  if (Array.isArray(body['managementGroups']) && world.managementGroups !== undefined) {
    scope ??= new Set();
    for (const group of body['managementGroups']) {
      const members = world.managementGroups[String(group).toLowerCase()];
      if (members === undefined) return armError(400, 'BadRequest', `Management group '${String(group)}' is not known.`);
      for (const s of members) scope.add(s.toLowerCase());
    }
  }
  const skipToken = options['$skipToken'];
  let skip = typeof options['$skip'] === 'number' ? options['$skip'] : 0;
  if (skipToken !== undefined) {
    const decoded = typeof skipToken === 'string' ? Number(Buffer.from(skipToken, 'base64url').toString('utf8').replace(/^offset:/u, '')) : Number.NaN;
    if (!Number.isInteger(decoded) || decoded < 0) return armError(400, 'BadRequest', 'options.$skipToken is not valid.');
    skip = decoded;
  }
  // The KQL is not parsed: every query answers the sweep's projection of resources with connections.
  const rows = world.providers
    .filter((p) => p.connections.length > 0 && (scope === undefined || scope.has(subscriptionOfPath(p.id) ?? '')))
    .map((p) => ({
      id: p.id,
      type: p.type.toLowerCase(),
      subscriptionId: subscriptionOfPath(p.id) ?? '',
      privateEndpointConnections: p.connections.map((c) => connectionToArm(p, c)),
    }));
  const data = rows.slice(skip, skip + top);
  const result: Record<string, unknown> = { totalRecords: rows.length, count: data.length, data, facets: [], resultTruncated: 'false' };
  if (skip + top < rows.length) result['$skipToken'] = Buffer.from(`offset:${skip + top}`, 'utf8').toString('base64url');
  return { status: 200, body: result };
}
