/** Resource Graph queries: scope checks, $top/$skipToken paging, and rows from either result format. */
import { normalizeGuid } from '../ids/guid.js';
import type { ResourceGraphRequest } from './types.js';
import { InvalidArmIdError } from './arm-error.js';
import type { GraphQuota } from './graph-quota.js';
import { isRecord } from './json-values.js';
import { pagingLoop } from './list-connections.js';
import type { Send } from './send-request.js';

export const RESOURCE_GRAPH_API_VERSION = '2024-04-01';
const MANAGEMENT_GROUP = /^[A-Za-z0-9._()-]{1,90}$/u;

export interface ResourceGraphContext {
  send: Send;
  urlFor: (path: string, apiVersion: string) => URL;
  /** Pages followed per query (a guard against a server that loops). */
  maxPages: number;
  /** Resource Graph's per-user query quota; undefined when pacing is off. */
  quota: GraphQuota | undefined;
}

export type QueryResourceGraph = (req: ResourceGraphRequest) => AsyncGenerator<Record<string, unknown>>;

export function createResourceGraphQuery(ctx: ResourceGraphContext): QueryResourceGraph {
  const { send, urlFor, maxPages, quota } = ctx;
  return async function* queryResourceGraph(req: ResourceGraphRequest) {
    if (typeof req.query !== 'string' || req.query.trim().length === 0) throw new TypeError('Resource Graph query must be a non-empty string');
    const scopeBody: Record<string, string[]> = {};
    if (req.subscriptions !== undefined) {
      scopeBody.subscriptions = req.subscriptions.map((s) => {
        const guid = normalizeGuid(s);
        if (guid === undefined) throw new InvalidArmIdError('subscription', s, 'not a GUID');
        return guid;
      });
    }
    if (req.managementGroups !== undefined) {
      scopeBody.managementGroups = req.managementGroups.map((g) => {
        if (typeof g !== 'string' || !MANAGEMENT_GROUP.test(g)) throw new InvalidArmIdError('management group', g, 'not a management group name');
        return g;
      });
    }
    const top = Math.min(1000, Math.max(1, Math.floor(req.pageSize ?? 1000)));
    const url = urlFor('/providers/Microsoft.ResourceGraph/resources', RESOURCE_GRAPH_API_VERSION);
    const seen = new Set<string>();
    let skipToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const options: Record<string, unknown> = { $top: top, ...(skipToken === undefined ? {} : { $skipToken: skipToken }) };
      await quota?.beforeQuery();
      const reply = await send({ method: 'POST', url, kind: 'read', body: { ...scopeBody, query: req.query, options } });
      quota?.observe(reply.headers);
      const body = isRecord(reply.body) ? reply.body : {};
      yield* rowsOf(body.data);
      const next = body.$skipToken;
      if (typeof next !== 'string' || next.length === 0) return;
      if (seen.has(next)) throw pagingLoop(url.pathname, maxPages);
      seen.add(next);
      skipToken = next;
    }
    throw pagingLoop(url.pathname, maxPages);
  };
}

/** Resource Graph `data`: an array of objects (objectArray) or `{columns, rows}` (table). */
function* rowsOf(data: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(data)) {
    for (const row of data) if (isRecord(row)) yield row;
    return;
  }
  if (isRecord(data) && Array.isArray(data.columns) && Array.isArray(data.rows)) {
    const names = data.columns.map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : ''));
    for (const row of data.rows) {
      if (!Array.isArray(row)) continue;
      yield Object.fromEntries(names.map((name, i) => [name, row[i]]));
    }
  }
}
