/** Lists and reads private endpoint connections per list style (collection, parent-properties, AOSM), following nextLink pages. */
import type { Logger } from '../log/create-logger.js';
import { isPrivateEndpointId, parseArmId, type ArmId } from '../ids/arm-id.js';
import type { ArmConnection } from './types.js';
import { ArmError } from './arm-error.js';
import type { ResourceTypeEntry } from './resource-types.js';
import type { RequestKind } from './token-bucket.js';
import { asConnection, isRecord } from './json-values.js';
import type { Method, Reply, Send } from './send-request.js';
import type { CompleteLongRunning } from './poll-operation.js';
import type { ConnectionRef } from './parse-ids.js';

export interface ListContext {
  send: Send;
  completeLongRunning: CompleteLongRunning;
  urlFor: (path: string, apiVersion: string) => URL;
  followUrl: (link: string, what: string, apiVersion: string | undefined) => URL;
  logger: Logger;
  /** Pages followed per listing (a guard against a server that loops). */
  maxPages: number;
}

export interface ConnectionLister {
  listConnectionsOf(target: ArmId, entry: ResourceTypeEntry): Promise<ArmConnection[]>;
  /** `lastStartMs`: a write's deadline, when the read confirms a write (see send-request.ts). */
  readConnection(connection: ConnectionRef, lastStartMs?: number): Promise<ArmConnection | undefined>;
}

export function pagingLoop(path: string, maxPages: number): ArmError {
  return new ArmError({
    method: 'GET', path, httpStatus: undefined, code: 'PagingLoop', armMessage: `paging did not end within ${maxPages} pages or repeated a link`,
    requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
  });
}

export function createConnectionLister(ctx: ListContext): ConnectionLister {
  const { send, completeLongRunning, urlFor, followUrl, logger, maxPages } = ctx;

  /**
   * A listing answered with something that is not the list the spec describes (HTML from a proxy,
   * garbage, an object without `value`): a transient error logged with ARM's request id, never
   * "no connections", which would leave every Pending connection undecided without a word.
   */
  function invalidListing(url: URL, reply: Reply, problem: string): ArmError {
    const requestId = reply.headers['x-ms-request-id'];
    logger.warn({ path: url.pathname, httpStatus: reply.status, requestId, problem }, 'ARM answered a listing with something that is not a list; the delivery will be retried');
    return new ArmError({
      method: 'GET', path: url.pathname, httpStatus: reply.status, code: 'InvalidListAnswer', armMessage: problem,
      requestId, correlationId: reply.headers['x-ms-correlation-request-id'], transient: true, retryAfterMs: undefined,
    });
  }

  /** Follows nextLink pages of a collection; bare arrays (IoT Hub) are one page. */
  async function listPages(first: URL, apiVersion: string, method: Method = 'GET', kind: RequestKind = 'read', lastStartMs?: number): Promise<unknown[]> {
    const deadline = lastStartMs === undefined ? {} : { lastStartMs };
    const items: unknown[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = first;
    let reply = await send({ method, url: first, kind, ...deadline });
    let body = method === 'POST' ? await completeLongRunning(reply, apiVersion, lastStartMs) : reply.body;
    for (let page = 0; page < maxPages; page++) {
      if (Array.isArray(body)) return [...items, ...body];
      if (!isRecord(body)) throw invalidListing(url, reply, 'the answer is not a JSON object');
      if (Array.isArray(body.value)) items.push(...body.value);
      // AOSM's published example answers `value` as one object where its schema says an array.
      else if (isRecord(body.value)) items.push(body.value);
      // Every list result in the REST API specs has `value` (an empty list is `[]`).
      else throw invalidListing(url, reply, 'the answer has no `value` list');
      if (typeof body.nextLink !== 'string' || body.nextLink.length === 0) return items;
      url = followUrl(body.nextLink, 'nextLink', apiVersion);
      if (seen.has(url.href)) throw pagingLoop(url.pathname, maxPages);
      seen.add(url.href);
      reply = await send({ method: 'GET', url, kind: 'read', ...deadline });
      body = reply.body;
    }
    throw pagingLoop(first.pathname, maxPages);
  }

  function connectionsFrom(items: unknown[], where: string): ArmConnection[] {
    const connections: ArmConnection[] = [];
    for (const item of items) {
      const connection = asConnection(item);
      if (connection === undefined) logger.warn({ where }, 'arm listing held an entry without an id; skipped');
      else connections.push(connection);
    }
    return connections;
  }

  /**
   * AOSM artifact stores have no connection resources. `listPrivateEndPoints` answers
   * `{value: [{manualPrivateEndPointConnections: [{id}]}], nextLink}` (a flat `{id}` per entry is
   * accepted too). Each endpoint becomes a synthesized ArmConnection:
   * `{id: "{store}/privateEndpointConnections/{endpointName}", name: endpointName,
   *   properties: {privateEndpoint: {id}, privateLinkServiceConnectionState: {status}}}`.
   * The 2024-04-15 API reports no per-endpoint state; an entry that carries one (`status` or
   * `privateLinkServiceConnectionState.status`) keeps it, any other is reported `Pending` so the
   * policies decide it (approve and remove are idempotent on AOSM). No etag: writes are unconditional.
   */
  async function listAosm(store: ArmId, entry: ResourceTypeEntry, lastStartMs?: number): Promise<ArmConnection[]> {
    const items = await listPages(urlFor(`${store.text}/listPrivateEndPoints`, entry.apiVersion), entry.apiVersion, 'POST', 'write', lastStartMs);
    const endpoints: Record<string, unknown>[] = [];
    for (const item of items) {
      if (!isRecord(item)) continue;
      if (Array.isArray(item.manualPrivateEndPointConnections)) endpoints.push(...item.manualPrivateEndPointConnections.filter(isRecord));
      else if (typeof item.id === 'string') endpoints.push(item);
    }
    const byEndpoint = new Map<string, ArmConnection>();
    for (const endpoint of endpoints) {
      const parsed = parseArmId(endpoint.id);
      if (!parsed.ok || !isPrivateEndpointId(parsed.id)) {
        logger.warn({ store: store.text }, 'AOSM listPrivateEndPoints held an entry that is not a private endpoint ID; skipped');
        continue;
      }
      const state = isRecord(endpoint.privateLinkServiceConnectionState) ? endpoint.privateLinkServiceConnectionState.status : endpoint.status;
      const name = parsed.id.names[parsed.id.names.length - 1] as string;
      byEndpoint.set(parsed.id.key, {
        id: `${store.text}/privateEndpointConnections/${name}`,
        name,
        properties: {
          privateEndpoint: { id: parsed.id.text },
          privateLinkServiceConnectionState: { status: typeof state === 'string' ? state : 'Pending' },
        },
      });
    }
    return [...byEndpoint.values()];
  }

  async function listConnectionsOf(target: ArmId, entry: ResourceTypeEntry): Promise<ArmConnection[]> {
    switch (entry.list) {
      case 'collection': {
        const items = await listPages(urlFor(`${target.text}/privateEndpointConnections`, entry.apiVersion), entry.apiVersion);
        return connectionsFrom(items, target.text);
      }
      case 'parent-properties': {
        const url = urlFor(target.text, entry.apiVersion);
        const reply = await send({ method: 'GET', url, kind: 'read' });
        if (!isRecord(reply.body)) throw invalidListing(url, reply, 'the resource is not a JSON object');
        if (!isRecord(reply.body.properties)) throw invalidListing(url, reply, 'the resource has no `properties` object');
        const properties = reply.body.properties;
        const list = Array.isArray(properties.privateEndpointConnections) ? properties.privateEndpointConnections : [];
        return connectionsFrom(list, target.text);
      }
      case 'aosm-post':
        return listAosm(target, entry);
    }
  }

  async function readConnection(connection: ConnectionRef, lastStartMs?: number): Promise<ArmConnection | undefined> {
    if (connection.entry.list === 'aosm-post') {
      const all = await listAosm(connection.target, connection.entry, lastStartMs);
      return all.find((c) => c.id.toLowerCase() === connection.id.key);
    }
    const deadline = lastStartMs === undefined ? {} : { lastStartMs };
    const reply = await send({ method: 'GET', url: urlFor(connection.id.text, connection.entry.apiVersion), kind: 'read', accept: [404], ...deadline });
    return reply.status === 404 ? undefined : asConnection(reply.body);
  }

  return { listConnectionsOf, readConnection };
}
