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
import { ARTIFACT_STORE_TYPE, etagFor, seededRandom, type EmulatedConnection, type EmulatedStatus, type PrivateEndpoint, type ProviderResource, type World } from './world.js';

export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface BucketOptions {
  reads: BucketSpec;
  writes: BucketSpec;
}

/** ARM's documented per-subscription, per-principal limits (DESIGN §5). */
export const DEFAULT_BUCKETS: BucketOptions = { reads: { burst: 250, perSecond: 25 }, writes: { burst: 200, perSecond: 10 } };

export const DEFAULT_TOKEN = 'emulator-token';

/** What a request does, for fault rules and the request log. `list` includes `GET {target}` and AOSM listPrivateEndPoints. */
export type EmulatedOperation = 'list' | 'get' | 'endpoint' | 'tenant' | 'write' | 'poll' | 'graph' | 'other';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: number; code?: string }
  /** Destroys the socket without an answer (the client sees a connection reset). */
  | { kind: 'reset' }
  /** Waits, then answers normally. */
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  match: { method?: string; pathIncludes?: string; operation?: EmulatedOperation };
  fault: Fault;
  /** Chance (0..1) that a matching request is hit, from the emulator's seeded PRNG. Default 1. */
  probability?: number;
  /** How many requests the rule may hit; default unlimited. */
  times?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  query: string;
  operation: EmulatedOperation;
  status: number;
  /** ISO time from the emulator's clock. */
  time: string;
  apiVersion?: string;
  ifMatch?: string;
  /** Parsed JSON body of PUT/POST requests, to assert request shapes. */
  body?: unknown;
  fault?: Fault['kind'];
  requestId: string;
}

export interface WriteRecord {
  connectionId: string;
  from: EmulatedStatus;
  to: EmulatedStatus;
}

export interface EmulatorStats {
  requests: number;
  byOperation: Partial<Record<EmulatedOperation, number>>;
  byStatus: Record<string, number>;
  /** 429s from the token buckets (not from faults). */
  throttled: number;
  faultsInjected: number;
  /** Successful state-changing writes (PUT of a connection, AOSM approve/remove per endpoint). */
  writes: number;
  /** Lower-case connection ID → successful writes: assert exactly-once with it. */
  writesByConnection: Record<string, number>;
  /** Writes to a connection that was not Pending (ARM allows them; linkgate should not make them by accident). */
  nonPendingWrites: WriteRecord[];
  preconditionFailed: number;
  /** Writes refused as ARM refuses them (approving a Rejected connection, touching a Disconnected one). */
  refusedTransitions: number;
}

export interface ArmEmulatorOptions {
  world: World;
  /** The bearer token every request must carry (default 'emulator-token'). */
  token?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Per-subscription token buckets (default DEFAULT_BUCKETS); false turns throttling off. */
  buckets?: BucketOptions | false;
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
const MAX_DELAY_MS = 60_000;
const GRAPH_DEFAULT_TOP = 100;
const GRAPH_MAX_TOP = 1000;
const COSMOS_REJECTED_MESSAGE = 'Approving rejected private endpoint connections is not supported';

/** A connection as ARM answers it. Storage spells `actionRequired`; everyone else `actionsRequired`. */
export function connectionToArm(provider: ProviderResource, connection: EmulatedConnection, provisioningState = 'Succeeded'): Record<string, unknown> {
  const state: Record<string, string> = { status: connection.status, description: connection.description };
  const storage = provider.type.toLowerCase().startsWith('microsoft.storage/');
  state[storage ? 'actionRequired' : 'actionsRequired'] = connection.actionsRequired ?? 'None';
  return {
    id: `${provider.id}/privateEndpointConnections/${connection.name}`,
    name: connection.name,
    type: `${provider.type}/privateEndpointConnections`,
    etag: connection.etag,
    properties: {
      privateEndpoint: { id: connection.privateEndpointId },
      privateLinkServiceConnectionState: state,
      provisioningState,
    },
  };
}

function lastSegment(id: string): string {
  return id.split('/').filter((s) => s.length > 0).at(-1) ?? '';
}

function subscriptionOfPath(path: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/iu.exec(path);
  return match?.[1]?.toLowerCase();
}

/** A consumer's private endpoint as Microsoft.Network answers it (fixtures/arm-examples/PrivateEndpointGet.json). */
export function endpointToArm(endpoint: PrivateEndpoint, stateOf: (targetId: string) => EmulatedConnection | undefined): Record<string, unknown> {
  const name = lastSegment(endpoint.id);
  const links = (manual: boolean): Record<string, unknown>[] =>
    endpoint.connectsTo
      .filter((link) => link.manual === manual)
      .map((link, index) => {
        const connection = stateOf(link.targetId);
        const linkName = `${name}-${manual ? 'manual' : 'auto'}-${index}`;
        return {
          id: `${endpoint.id}/${manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections'}/${linkName}`,
          name: linkName,
          type: 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
          properties: {
            provisioningState: 'Succeeded',
            privateLinkServiceId: link.targetId,
            groupIds: [],
            requestMessage: link.requestMessage,
            privateLinkServiceConnectionState: {
              status: connection?.status ?? 'Disconnected',
              description: connection?.description ?? '',
              actionsRequired: connection?.actionsRequired ?? 'None',
            },
          },
        };
      });
  return {
    name,
    id: endpoint.id,
    type: 'Microsoft.Network/privateEndpoints',
    location: 'westeurope',
    etag: etagFor(endpoint.id.toLowerCase()),
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: links(false),
      manualPrivateLinkServiceConnections: links(true),
      subnet: { id: endpoint.subnetId },
      networkInterfaces: [{ id: endpoint.id.replace(/\/providers\/Microsoft\.Network\/privateEndpoints\/.*$/iu, `/providers/Microsoft.Network/networkInterfaces/${name}.nic`) }],
      customDnsConfigs: endpoint.ipAddresses.length === 0 ? [] : [{ fqdn: `${name}.privatelink.example`, ipAddresses: [...endpoint.ipAddresses] }],
      applicationSecurityGroups: [],
      ipConfigurations: endpoint.ipAddresses.map((ip, index) => ({
        name: `ipconfig${index}`,
        properties: { groupId: 'default', memberName: `member${index}`, privateIPAddress: ip },
      })),
    },
  };
}

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.last = now;
  }

  take(now: number): { ok: boolean; remaining: number; retryAfterSeconds: number } {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.spec.burst, this.tokens + elapsed * this.spec.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens), retryAfterSeconds: 0 };
    }
    const wait = this.spec.perSecond > 0 ? (1 - this.tokens) / this.spec.perSecond : 60;
    return { ok: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }
}

type Route =
  | { kind: 'tenant'; subscriptionId: string }
  | { kind: 'graph' }
  | { kind: 'operation'; which: 'status' | 'result'; operationId: string }
  | { kind: 'endpoint'; endpoint: PrivateEndpoint | undefined }
  | { kind: 'provider'; provider: ProviderResource }
  | { kind: 'collection'; provider: ProviderResource }
  | { kind: 'connection'; provider: ProviderResource; name: string }
  | { kind: 'aosm'; provider: ProviderResource; action: 'listprivateendpoints' | 'approveprivateendpoints' | 'removeprivateendpoints' }
  | { kind: 'unknown' };

interface Operation {
  id: string;
  polls: number;
  startTime: string;
  endTime?: string;
  /** Lower-case connection IDs shown as provisioningState 'Updating' until the operation ends. */
  connectionKeys: string[];
  result: (() => Record<string, unknown>) | undefined;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function armError(status: number, code: string, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { error: { code, message } }, ...(headers === undefined ? {} : { headers }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultFaultCode(status: number): string {
  switch (status) {
    case 429:
      return 'RetryableErrorDueToAnotherOperation';
    case 500:
      return 'InternalServerError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return 'InjectedFault';
  }
}

export async function startArmEmulator(options: ArmEmulatorOptions): Promise<ArmEmulator> {
  const world = options.world;
  const token = options.token ?? DEFAULT_TOKEN;
  const now = options.now ?? Date.now;
  const pageSize = Math.max(1, options.pageSize ?? 20);
  const asyncPolls = Math.max(0, options.asyncPolls ?? 1);
  const maxLogEntries = Math.max(1, options.maxLogEntries ?? 200_000);
  const bucketSpec = options.buckets === false ? undefined : (options.buckets ?? DEFAULT_BUCKETS);
  const dice = seededRandom(options.seed ?? 1);
  let faults: Array<FaultRule & { left: number }> = [];
  const setFaults = (rules: FaultRule[]): void => {
    faults = rules.map((rule) => ({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
  };
  setFaults(options.faults ?? []);

  const requests: RequestLogEntry[] = [];
  const stats: EmulatorStats = {
    requests: 0,
    byOperation: {},
    byStatus: {},
    throttled: 0,
    faultsInjected: 0,
    writes: 0,
    writesByConnection: {},
    nonPendingWrites: [],
    preconditionFailed: 0,
    refusedTransitions: 0,
  };
  const buckets = new Map<string, TokenBucket>();
  const operations = new Map<string, Operation>();
  const updating = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let etagVersion = 0;
  let baseUrl = '';

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
  const findConnection = (provider: ProviderResource, name: string): EmulatedConnection | undefined => {
    const lower = name.toLowerCase();
    return provider.connections.find((c) => c.name.toLowerCase() === lower);
  };
  const connectionKey = (provider: ProviderResource, connection: EmulatedConnection): string => `${provider.id}/privateendpointconnections/${connection.name}`.toLowerCase();
  const armConnection = (provider: ProviderResource, connection: EmulatedConnection): Record<string, unknown> =>
    connectionToArm(provider, connection, updating.has(connectionKey(provider, connection)) ? 'Updating' : 'Succeeded');

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

  const pickFault = (method: string, path: string, operation: EmulatedOperation): Fault | undefined => {
    for (const rule of faults) {
      if (rule.left <= 0) continue;
      if (rule.match.method !== undefined && rule.match.method.toUpperCase() !== method) continue;
      if (rule.match.pathIncludes !== undefined && !path.toLowerCase().includes(rule.match.pathIncludes.toLowerCase())) continue;
      if (rule.match.operation !== undefined && rule.match.operation !== operation) continue;
      if (rule.probability !== undefined && dice() >= rule.probability) continue;
      rule.left--;
      return rule.fault;
    }
    return undefined;
  };

  const recordWrite = (provider: ProviderResource, connection: EmulatedConnection, to: EmulatedStatus, description: string, actionsRequired: string): string => {
    const key = connectionKey(provider, connection);
    if (connection.status !== 'Pending') stats.nonPendingWrites.push({ connectionId: `${provider.id}/privateEndpointConnections/${connection.name}`, from: connection.status, to });
    connection.status = to;
    connection.description = description;
    connection.actionsRequired = actionsRequired;
    connection.etag = etagFor(`${key}#${++etagVersion}`);
    stats.writes++;
    stats.writesByConnection[key] = (stats.writesByConnection[key] ?? 0) + 1;
    return key;
  };

  /** ARM refuses these transitions; undefined when the write may go ahead. */
  const refuse = (connection: EmulatedConnection, to: EmulatedStatus): Answer | undefined => {
    if (connection.status === 'Disconnected') {
      stats.refusedTransitions++;
      return armError(400, 'PrivateEndpointConnectionStatusNotPending', `Private endpoint connection '${connection.name}' is Disconnected and cannot be changed.`);
    }
    if (connection.status === 'Rejected' && to === 'Approved') {
      stats.refusedTransitions++;
      return armError(400, 'BadRequest', COSMOS_REJECTED_MESSAGE);
    }
    return undefined;
  };

  const startOperation = (provider: ProviderResource, apiVersion: string, connectionKeys: string[], result: Operation['result']): Record<string, string> => {
    const id = randomUUID();
    const operation: Operation = { id, polls: 0, startTime: new Date(now()).toISOString(), connectionKeys, result };
    operations.set(id, operation);
    for (const key of connectionKeys) updating.set(key, id);
    const sub = subscriptionOfPath(provider.id) ?? '';
    const namespace = provider.type.split('/')[0] ?? 'Microsoft.Resources';
    const base = `${baseUrl}/subscriptions/${sub}/providers/${namespace}/locations/${provider.location ?? 'westeurope'}`;
    const headers: Record<string, string> = {
      'azure-asyncoperation': `${base}/operations/${id}?api-version=${apiVersion}`,
      location: `${base}/operationResults/${id}?api-version=${apiVersion}`,
    };
    if (options.pollRetryAfterSeconds !== undefined) headers['retry-after'] = String(options.pollRetryAfterSeconds);
    return headers;
  };

  const pollOperation = (operationId: string, which: 'status' | 'result', path: string, query: string): Answer => {
    const operation = operations.get(operationId);
    if (operation === undefined) return armError(404, 'ResourceNotFound', `Operation '${operationId}' was not found.`);
    const done = operation.endTime !== undefined || operation.polls >= asyncPolls;
    operation.polls++;
    if (done && operation.endTime === undefined) {
      operation.endTime = new Date(now()).toISOString();
      for (const key of operation.connectionKeys) if (updating.get(key) === operationId) updating.delete(key);
    }
    const retry: Record<string, string> = options.pollRetryAfterSeconds === undefined ? {} : { 'retry-after': String(options.pollRetryAfterSeconds) };
    if (which === 'status') {
      return {
        status: 200,
        body: { id: path, name: operationId, status: done ? 'Succeeded' : 'InProgress', startTime: operation.startTime, ...(done ? { endTime: operation.endTime } : {}) },
        headers: done ? {} : retry,
      };
    }
    if (!done) return { status: 202, headers: { location: `${baseUrl}${path}${query}`, ...retry } };
    const result = operation.result?.();
    return result === undefined ? { status: 204 } : { status: 200, body: result };
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

  const putConnection = (provider: ProviderResource, name: string, body: unknown, ifMatch: string | undefined, apiVersion: string): Answer => {
    const connection = findConnection(provider, name);
    if (connection === undefined) return armError(404, 'ResourceNotFound', `Private endpoint connection '${name}' of '${provider.id}' was not found.`);
    const state = isRecord(body) && isRecord(body['properties']) ? body['properties']['privateLinkServiceConnectionState'] : undefined;
    const to = isRecord(state) ? state['status'] : undefined;
    if (!isRecord(state) || (to !== 'Approved' && to !== 'Rejected')) {
      return armError(400, 'InvalidRequestContent', "properties.privateLinkServiceConnectionState.status must be 'Approved' or 'Rejected'.");
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== connection.etag) {
      stats.preconditionFailed++;
      return armError(412, 'PreconditionFailed', `The condition specified using HTTP conditional header(s) is not met: etag '${connection.etag}' does not match If-Match '${ifMatch}'.`);
    }
    const refused = refuse(connection, to);
    if (refused !== undefined) return refused;
    const description = typeof state['description'] === 'string' ? state['description'] : '';
    const actions = state['actionsRequired'] ?? state['actionRequired'];
    const key = recordWrite(provider, connection, to, description, typeof actions === 'string' ? actions : 'None');
    if (provider.asyncWrites === true) {
      const headers = startOperation(provider, apiVersion, [key], () => armConnection(provider, connection));
      return { status: 202, body: armConnection(provider, connection), headers };
    }
    return { status: 200, body: armConnection(provider, connection) };
  };

  const aosmAction = (provider: ProviderResource, action: string, body: unknown, apiVersion: string): Answer => {
    const live = provider.connections.filter((c) => c.status === 'Pending' || c.status === 'Approved');
    if (action === 'listprivateendpoints') {
      return { status: 200, body: { value: [{ manualPrivateEndPointConnections: live.map((c) => ({ id: c.privateEndpointId })) }] } };
    }
    const list = isRecord(body) ? body['manualPrivateEndPointConnections'] : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      return armError(400, 'InvalidRequestContent', 'manualPrivateEndPointConnections must be a non-empty array of {"id": "<private endpoint ID>"}.');
    }
    // The published example sends bare ID strings, the schema {id}: accept both.
    const ids = list.map((entry) => (typeof entry === 'string' ? entry : isRecord(entry) && typeof entry['id'] === 'string' ? entry['id'] : ''));
    const targets: EmulatedConnection[] = [];
    for (const id of ids) {
      const connection = provider.connections.find((c) => c.privateEndpointId.toLowerCase() === id.toLowerCase());
      if (connection === undefined) return armError(400, 'BadRequest', `Private endpoint '${id}' is not connected to artifact store '${provider.id}'.`);
      targets.push(connection);
    }
    const to: EmulatedStatus = action === 'approveprivateendpoints' ? 'Approved' : 'Rejected';
    for (const connection of targets) {
      const refused = refuse(connection, to);
      if (refused !== undefined) return refused;
    }
    const description = to === 'Approved' ? 'Approved' : 'Removed';
    const keys = targets.map((connection) => recordWrite(provider, connection, to, description, 'None'));
    if (provider.asyncWrites === true) return { status: 202, headers: startOperation(provider, apiVersion, keys, undefined) };
    return { status: 200 };
  };

  const graphQuery = (body: unknown): Answer => {
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
  };

  const dispatch = (method: string, r: Route, path: string, url: URL, body: unknown, ifMatch: string | undefined, apiVersion: string): Answer => {
    const notAllowed = (): Answer => armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    switch (r.kind) {
      case 'tenant': {
        if (method !== 'GET') return notAllowed();
        const tenant = tenantOf(r.subscriptionId);
        if (tenant === undefined) return armError(404, 'SubscriptionNotFound', `The subscription '${r.subscriptionId}' could not be found.`);
        return { status: 200, body: { id: `/subscriptions/${r.subscriptionId}`, subscriptionId: r.subscriptionId, tenantId: tenant, displayName: `emulated ${r.subscriptionId}`, state: 'Enabled' } };
      }
      case 'graph':
        return method === 'POST' ? graphQuery(body) : notAllowed();
      case 'operation':
        return method === 'GET' ? pollOperation(r.operationId, r.which, path, url.search) : notAllowed();
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
        return {
          status: 200,
          body: {
            id: p.id,
            name: lastSegment(p.id),
            type: p.type,
            location: p.location ?? 'westeurope',
            properties: { provisioningState: 'Succeeded', privateEndpointConnections: p.connections.map((c) => armConnection(p, c)) },
          },
        };
      }
      case 'collection':
        return method === 'GET' ? listPage(r.provider, path, url, apiVersion) : notAllowed();
      case 'connection': {
        // Batch updates connections with PATCH (its API has no PUT); same rules as PUT.
        if (method === 'PUT' || method === 'PATCH') return putConnection(r.provider, r.name, body, ifMatch, apiVersion);
        if (method !== 'GET') return notAllowed();
        const connection = findConnection(r.provider, r.name);
        if (connection === undefined) return armError(404, 'ResourceNotFound', `Private endpoint connection '${r.name}' of '${r.provider.id}' was not found.`);
        return { status: 200, body: armConnection(r.provider, connection) };
      }
      case 'aosm':
        return method === 'POST' ? aosmAction(r.provider, r.action, body, apiVersion) : notAllowed();
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

  const log = (entry: RequestLogEntry): void => {
    stats.requests++;
    stats.byOperation[entry.operation] = (stats.byOperation[entry.operation] ?? 0) + 1;
    stats.byStatus[String(entry.status)] = (stats.byStatus[String(entry.status)] ?? 0) + 1;
    requests.push(entry);
    if (requests.length > maxLogEntries) requests.splice(0, requests.length - maxLogEntries);
  };

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
      log(entry);
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

    const fault = pickFault(method, path, operation);
    if (fault !== undefined) {
      stats.faultsInjected++;
      entry.fault = fault.kind;
      if (fault.kind === 'reset') {
        log(entry);
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
        send(armError(fault.status, fault.code ?? defaultFaultCode(fault.status), `Injected fault: HTTP ${fault.status}.`, headers));
        return;
      }
      await sleep(Math.min(Math.max(0, fault.ms), MAX_DELAY_MS));
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

    // Reads are GETs and Resource Graph queries; every other method spends a write, as ARM counts them.
    const kind: 'reads' | 'writes' = method === 'GET' || method === 'HEAD' || r.kind === 'graph' ? 'reads' : 'writes';
    const rateHeaders: Record<string, string> = {};
    if (bucketSpec !== undefined) {
      const bucketKey = `${subscription ?? 'tenant'}|${kind}`;
      let bucket = buckets.get(bucketKey);
      if (bucket === undefined) {
        bucket = new TokenBucket(bucketSpec[kind], now());
        buckets.set(bucketKey, bucket);
      }
      const taken = bucket.take(now());
      rateHeaders[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(taken.remaining);
      if (!taken.ok) {
        stats.throttled++;
        send(
          armError(
            429,
            'SubscriptionRequestsThrottled',
            `Number of '${kind === 'reads' ? 'read' : 'write'}' requests for subscription '${subscription ?? 'tenant'}' exceeded. Please try again after '${taken.retryAfterSeconds}' seconds.`,
            { ...rateHeaders, 'retry-after': String(taken.retryAfterSeconds) },
          ),
        );
        return;
      }
    }

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
