/**
 * The local ARM emulator: a test double of Azure Resource Manager on 127.0.0.1, for tests, the demo
 * and the benchmarks. It is not product code and never runs in Azure. It serves the operations
 * linkgate uses (DESIGN §5) the way ARM does where it matters to a client: api-version and bearer
 * token required, case-insensitive IDs, etags and If-Match, 404/403, nextLink and $skipToken
 * paging, 202 + polling, per-subscription token buckets with 429 + Retry-After, and injectable
 * faults. Everything it answers comes from a World (world.ts), which it mutates as writes land.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { armError, lastSegment, subscriptionOfPath, type Answer } from './arm-answer.js';
import { connectionToArm, endpointToArm, providerToArm, subscriptionToArm } from './arm-shapes.js';
import { AsyncOperations } from './async-operations.js';
import { connectionKey, ConnectionWrites, findConnection, type AosmAction } from './connection-writes.js';
import { faultAnswer, faultDelayMs, FaultRules, type EmulatedOperation, type FaultRule } from './fault-rules.js';
import { graphQuery } from './resource-graph.js';
import { RequestLog, type EmulatorStats, type RequestLogEntry } from './request-log.js';
import { bucketKindOf, DEFAULT_GRAPH_QUOTA, GraphQuotaWindow, SubscriptionBuckets, type BucketOptions, type GraphQuotaSpec } from './token-buckets.js';
import { ARTIFACT_STORE_TYPE, type EmulatedConnection, type PrivateEndpoint, type ProviderResource, type World } from './world.js';

// What moved out of this file stays importable from it.
export { connectionToArm, endpointToArm } from './arm-shapes.js';
export type { EmulatedOperation, Fault, FaultRule } from './fault-rules.js';
export type { EmulatorStats, RequestLogEntry, WriteRecord } from './request-log.js';
export { DEFAULT_BUCKETS, DEFAULT_GRAPH_QUOTA, type BucketOptions, type BucketSpec, type GraphQuotaSpec } from './token-buckets.js';

export const DEFAULT_TOKEN = 'emulator-token';

export interface ArmEmulatorOptions {
  world: World;
  /** The bearer token every request must carry (default 'emulator-token'). */
  token?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Per-subscription token buckets (default DEFAULT_BUCKETS); false turns throttling off. */
  buckets?: BucketOptions | false;
  /** Resource Graph's per-user query quota (default DEFAULT_GRAPH_QUOTA, off when `buckets` is false). */
  graphQuota?: GraphQuotaSpec | false;
  faults?: FaultRule[];
  /** Clock in epoch milliseconds (default Date.now): inject it to drive the buckets in tests. */
  now?: () => number;
  /** Seed of the fault dice. Default 1. */
  seed?: number;
  /** Page size of `GET …/privateEndpointConnections` (default 20). */
  pageSize?: number;
  /** InProgress answers an operation gives before Succeeded (default 1). */
  asyncPolls?: number;
  /** Retry-After (seconds) on 202 answers and in-progress polls; default none (poll at once). */
  pollRetryAfterSeconds?: number;
  /** The request log keeps at most this many entries, dropping the oldest (default 200000). */
  maxLogEntries?: number;
}

export interface ArmEmulator {
  /** `http://127.0.0.1:PORT`: use it as LINKGATE_ARM_ENDPOINT. */
  url: string;
  token: string;
  /** The live state: writes change it; tests may read it and add to it. */
  world: World;
  requests: RequestLogEntry[];
  writes(): number;
  writesTo(connectionId: string): number;
  stats(): EmulatorStats;
  /** Replaces the fault rules (and their `times` budgets). */
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview|-beta)?$/u;
const MAX_BODY_BYTES = 1024 * 1024;

type Route =
  | { kind: 'tenant'; subscriptionId: string }
  | { kind: 'graph' }
  | { kind: 'operation'; which: 'status' | 'result'; operationId: string }
  | { kind: 'endpoint'; endpoint: PrivateEndpoint | undefined }
  | { kind: 'provider'; provider: ProviderResource }
  | { kind: 'collection'; provider: ProviderResource }
  | { kind: 'connection'; provider: ProviderResource; name: string }
  | { kind: 'aosm'; provider: ProviderResource; action: AosmAction }
  | { kind: 'unknown' };

export async function startArmEmulator(options: ArmEmulatorOptions): Promise<ArmEmulator> {
  const world = options.world;
  const token = options.token ?? DEFAULT_TOKEN;
  const now = options.now ?? Date.now;
  const pageSize = Math.max(1, options.pageSize ?? 20);
  const asyncPolls = Math.max(0, options.asyncPolls ?? 1);
  const maxLogEntries = Math.max(1, options.maxLogEntries ?? 200_000);
  const faults = new FaultRules(options.faults ?? [], options.seed ?? 1);
  const setFaults = (rules: FaultRule[]): void => faults.set(rules);
  const requestLog = new RequestLog(maxLogEntries);
  const { requests, stats } = requestLog;
  const buckets = new SubscriptionBuckets(options.buckets, now);
  const graphQuota = new GraphQuotaWindow(options.graphQuota === false || (options.graphQuota === undefined && options.buckets === false) ? undefined : (options.graphQuota ?? DEFAULT_GRAPH_QUOTA), now);
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  const operations = new AsyncOperations({ now, asyncPolls, pollRetryAfterSeconds: options.pollRetryAfterSeconds, baseUrl: () => baseUrl });

  // Indexes over the live world, rebuilt when tests add providers or endpoints after start.
  let indexed: { providers: ProviderResource[]; providerCount: number; endpoints: PrivateEndpoint[]; endpointCount: number } | undefined;
  let providersByKey = new Map<string, ProviderResource>();
  let endpointsByKey = new Map<string, PrivateEndpoint>();
  let knownSubscriptions = new Set<string>();
  const index = (): void => {
    if (
      indexed !== undefined &&
      indexed.providers === world.providers &&
      indexed.providerCount === world.providers.length &&
      indexed.endpoints === world.endpoints &&
      indexed.endpointCount === world.endpoints.length
    ) {
      return;
    }
    providersByKey = new Map(world.providers.map((p) => [p.id.toLowerCase(), p]));
    endpointsByKey = new Map(world.endpoints.map((e) => [e.id.toLowerCase(), e]));
    knownSubscriptions = new Set([
      ...Object.keys(world.tenants).map((s) => s.toLowerCase()),
      ...[...providersByKey.keys(), ...endpointsByKey.keys()].map((key) => subscriptionOfPath(key) ?? ''),
    ]);
    indexed = { providers: world.providers, providerCount: world.providers.length, endpoints: world.endpoints, endpointCount: world.endpoints.length };
  };
  const tenantOf = (subscriptionId: string): string | undefined => {
    const direct = world.tenants[subscriptionId];
    if (direct !== undefined) return direct.toLowerCase();
    const entry = Object.entries(world.tenants).find(([key]) => key.toLowerCase() === subscriptionId);
    return entry?.[1].toLowerCase();
  };
  const armConnection = (provider: ProviderResource, connection: EmulatedConnection): Record<string, unknown> =>
    connectionToArm(provider, connection, operations.isUpdating(connectionKey(provider, connection)) ? 'Updating' : 'Succeeded');
  const writes = new ConnectionWrites(stats, operations, armConnection);

  const route = (path: string): Route => {
    index();
    const lower = path.toLowerCase();
    const segments = lower.split('/').filter((s) => s.length > 0);
    if (segments.length === 2 && segments[0] === 'subscriptions') return { kind: 'tenant', subscriptionId: segments[1] ?? '' };
    if (lower === '/providers/microsoft.resourcegraph/resources') return { kind: 'graph' };
    const op = /^\/subscriptions\/[^/]+\/providers\/[^/]+\/locations\/[^/]+\/(operations|operationresults)\/([^/]+)$/u.exec(lower);
    if (op !== null) return { kind: 'operation', which: op[1] === 'operations' ? 'status' : 'result', operationId: op[2] ?? '' };
    const provider = providersByKey.get(lower);
    if (provider !== undefined) return { kind: 'provider', provider };
    const last = segments.at(-1) ?? '';
    const parentPath = '/' + segments.slice(0, -1).join('/');
    if (last === 'privateendpointconnections') {
      const parent = providersByKey.get(parentPath);
      if (parent !== undefined) return { kind: 'collection', provider: parent };
    }
    if (segments.at(-2) === 'privateendpointconnections') {
      const parent = providersByKey.get('/' + segments.slice(0, -2).join('/'));
      if (parent !== undefined) return { kind: 'connection', provider: parent, name: path.split('/').filter((s) => s.length > 0).at(-1) ?? '' };
    }
    if (last === 'listprivateendpoints' || last === 'approveprivateendpoints' || last === 'removeprivateendpoints') {
      const parent = providersByKey.get(parentPath);
      if (parent !== undefined && parent.type.toLowerCase() === ARTIFACT_STORE_TYPE.toLowerCase()) return { kind: 'aosm', provider: parent, action: last };
    }
    if (segments.length >= 2 && segments.at(-2) === 'privateendpoints' && segments.at(-3) === 'microsoft.network') {
      return { kind: 'endpoint', endpoint: endpointsByKey.get(lower) };
    }
    return { kind: 'unknown' };
  };

  const operationOf = (method: string, r: Route): EmulatedOperation => {
    switch (r.kind) {
      case 'tenant':
        return 'tenant';
      case 'graph':
        return 'graph';
      case 'operation':
        return 'poll';
      case 'endpoint':
        return 'endpoint';
      case 'provider':
      case 'collection':
        return 'list';
      case 'connection':
        return method === 'GET' ? 'get' : 'write';
      case 'aosm':
        return r.action === 'listprivateendpoints' ? 'list' : 'write';
      default:
        return 'other';
    }
  };

  const listPage = (provider: ProviderResource, path: string, url: URL, apiVersion: string): Answer => {
    if (provider.listStyle === 'parent-properties') {
      return armError(404, 'InvalidResourceType', `The resource type 'privateEndpointConnections' could not be found for '${provider.type}'. Read ${provider.type} and use properties.privateEndpointConnections.`);
    }
    const skipText = url.searchParams.get('$skiptoken') ?? url.searchParams.get('$skipToken') ?? '0';
    const skip = Number(skipText);
    if (!Number.isInteger(skip) || skip < 0) return armError(400, 'InvalidSkipToken', `The $skiptoken '${skipText}' is not valid.`);
    const page = provider.connections.slice(skip, skip + pageSize).map((c) => armConnection(provider, c));
    const body: Record<string, unknown> = { value: page };
    if (skip + pageSize < provider.connections.length) {
      body['nextLink'] = `${baseUrl}${path}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${skip + pageSize}`;
    }
    return { status: 200, body };
  };

  const dispatch = (method: string, r: Route, path: string, url: URL, body: unknown, ifMatch: string | undefined, apiVersion: string): Answer => {
    const notAllowed = (): Answer => armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    switch (r.kind) {
      case 'tenant': {
        if (method !== 'GET') return notAllowed();
        const tenant = tenantOf(r.subscriptionId);
        if (tenant === undefined) return armError(404, 'SubscriptionNotFound', `The subscription '${r.subscriptionId}' could not be found.`);
        return { status: 200, body: subscriptionToArm(r.subscriptionId, tenant) };
      }
      case 'graph':
        return method === 'POST' ? graphQuery(world, body) : notAllowed();
      case 'operation':
        return method === 'GET' ? operations.poll(r.operationId, r.which, path, url.search) : notAllowed();
      case 'endpoint': {
        if (method !== 'GET') return notAllowed();
        if (r.endpoint === undefined) return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Network/privateEndpoints/${lastSegment(path)}' was not found.`);
        if (r.endpoint.readable === false) {
          return armError(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/privateEndpoints/read' over scope '${r.endpoint.id}' or the scope is invalid.`);
        }
        const endpoint = r.endpoint;
        return {
          status: 200,
          body: endpointToArm(endpoint, (targetId) => {
            const provider = providersByKey.get(targetId.toLowerCase());
            return provider?.connections.find((c) => c.privateEndpointId.toLowerCase() === endpoint.id.toLowerCase());
          }),
        };
      }
      case 'provider': {
        if (method !== 'GET') return notAllowed();
        const p = r.provider;
        return { status: 200, body: providerToArm(p, (c) => armConnection(p, c)) };
      }
      case 'collection':
        return method === 'GET' ? listPage(r.provider, path, url, apiVersion) : notAllowed();
      case 'connection': {
        // Batch updates connections with PATCH (its API has no PUT); same rules as PUT.
        if (method === 'PUT' || method === 'PATCH') return writes.putConnection(r.provider, r.name, body, ifMatch, apiVersion);
        if (method !== 'GET') return notAllowed();
        const connection = findConnection(r.provider, r.name);
        if (connection === undefined) return armError(404, 'ResourceNotFound', `Private endpoint connection '${r.name}' of '${r.provider.id}' was not found.`);
        return { status: 200, body: armConnection(r.provider, connection) };
      }
      case 'aosm':
        return method === 'POST' ? writes.aosmAction(r.provider, r.action, body, apiVersion) : notAllowed();
      default: {
        const sub = subscriptionOfPath(path);
        if (sub !== undefined && !knownSubscriptions.has(sub)) return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
        return armError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
      }
    }
  };

  const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/u, '') : url.pathname;
    const requestId = randomUUID();
    const correlationHeader = req.headers['x-ms-correlation-request-id'];
    const correlationId = typeof correlationHeader === 'string' && correlationHeader !== '' ? correlationHeader : randomUUID();
    const apiVersion = url.searchParams.get('api-version') ?? undefined;
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    const raw = await readBody(req);
    const r = route(path);
    const operation = operationOf(method, r);
    const entry: RequestLogEntry = { method, path, query: url.search, operation, status: 0, time: new Date(now()).toISOString(), requestId };
    if (apiVersion !== undefined) entry.apiVersion = apiVersion;
    if (ifMatch !== undefined) entry.ifMatch = ifMatch;

    let body: unknown;
    let badJson = false;
    if (raw !== 'too-large' && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown;
        entry.body = body;
      } catch {
        badJson = true;
      }
    }

    const send = (answer: Answer): void => {
      entry.status = answer.status;
      requestLog.add(entry);
      const headers: Record<string, string> = {
        'x-ms-request-id': requestId,
        'x-ms-correlation-request-id': correlationId,
        ...(answer.headers ?? {}),
      };
      const clientRequestId = req.headers['x-ms-client-request-id'];
      if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
      if (answer.body === undefined) {
        res.writeHead(answer.status, { ...headers, 'content-length': '0' });
        res.end();
        return;
      }
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };

    const fault = faults.pick(method, path, operation);
    if (fault !== undefined) {
      stats.faultsInjected++;
      entry.fault = fault.kind;
      if (fault.kind === 'reset') {
        requestLog.add(entry);
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        send(faultAnswer(fault));
        return;
      }
      await sleep(faultDelayMs(fault));
    }

    const subscription = r.kind === 'tenant' ? r.subscriptionId : subscriptionOfPath(path);
    const authorization = req.headers.authorization;
    const presented = /^bearer\s+(\S+)\s*$/iu.exec(authorization ?? '')?.[1];
    if (presented !== token) {
      const tenant = subscription === undefined ? undefined : tenantOf(subscription);
      if (r.kind === 'tenant' && tenant === undefined) {
        send(armError(404, 'SubscriptionNotFound', `The subscription '${r.subscriptionId}' could not be found.`));
        return;
      }
      const missing = authorization === undefined;
      const description = missing ? "The authentication failed because of missing 'Authorization' header." : 'The access token is invalid.';
      send(
        armError(401, missing ? 'AuthenticationFailed' : 'InvalidAuthenticationToken', description, {
          'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenant ?? 'common'}", error="invalid_token", error_description="${description}"`,
        }),
      );
      return;
    }
    if (apiVersion === undefined || apiVersion === '') {
      send(armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."));
      return;
    }
    if (!API_VERSION.test(apiVersion)) {
      send(armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are dates such as '2024-05-01'.`));
      return;
    }
    if (raw === 'too-large') {
      send(armError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      return;
    }
    if (badJson) {
      send(armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.'));
      return;
    }

    const verdict = buckets.take(subscription, bucketKindOf(method, r.kind === 'graph'));
    if (verdict.throttled !== undefined) {
      stats.throttled++;
      send(verdict.throttled);
      return;
    }
    const quota = r.kind === 'graph' ? graphQuota.take() : undefined;
    if (quota?.throttled !== undefined) {
      stats.throttled++;
      send(quota.throttled);
      return;
    }
    const rateHeaders = { ...verdict.headers, ...quota?.headers };

    const answer = dispatch(method, r, path, url, body, ifMatch, apiVersion);
    send({ ...answer, headers: { ...rateHeaders, ...(answer.headers ?? {}) } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the double must be loud in the test that hit it, not hang the client.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'EmulatorError', message: (error as Error).message } }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    token,
    world,
    requests,
    writes: () => stats.writes,
    writesTo: (connectionId) => stats.writesByConnection[connectionId.toLowerCase()] ?? 0,
    stats: () => structuredClone(stats),
    setFaults,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
