/**
 * The ArmClient over undici: one keep-alive dispatcher (injectable), lazily acquired and cached
 * bearer tokens, per-subscription token-bucket pacing, bounded retries with full jitter, a timeout
 * on every request, long-running operations polled to a terminal state, and typed errors that
 * never carry the token. Every ID is parsed with parseArmId before a URL is built from it, and
 * every URL the server hands back (nextLink, Azure-AsyncOperation, Location) must stay on the
 * configured ARM origin, so the token is never sent anywhere else.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../log/create-logger.js';
import { isPrivateEndpointId, parseArmId, targetOfConnectionId, type ArmId } from '../ids/arm-id.js';
import { normalizeGuid } from '../ids/guid.js';
import type { ArmClient, ArmConnection, EndpointRead, ResourceGraphRequest, SetStatusRequest, SetStatusResult } from './types.js';
import { ArmError, armErrorBody, armErrorFromNetwork, armErrorFromResponse, InvalidArmIdError, parseRetryAfterMs } from './arm-error.js';
import { resourceTypeOf, type ResourceTypeEntry } from './resource-types.js';
import { createTokenBuckets, type BucketLimits, type RequestKind, type TokenBuckets } from './token-bucket.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';

export interface ArmClientOptions {
  /** ARM base URL, e.g. https://management.azure.com or the local emulator. */
  endpoint: string;
  /** A static token (emulators), any TokenCredential, or unset: DefaultAzureCredential, created on first use. */
  credential?: { token: string } | TokenCredential | undefined;
  logger: Logger;
  /** undici dispatcher; default one keep-alive Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
  /** Per request, headers and body included. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per request including the first. Default 5. */
  maxAttempts?: number;
  /** Client-side pacing per subscription; defaults are ARM's (reads 250/25 s⁻¹, writes 200/10 s⁻¹). */
  buckets?: { reads?: Partial<BucketLimits>; writes?: Partial<BucketLimits>; jitterMs?: number };
  /** false turns client-side pacing off (benchmarks compare both). Default true. */
  pacing?: boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Epoch milliseconds; drives pacing and token expiry when given (tests). Default: pacing on the
   * monotonic `performance.now()` (whole-millisecond Date.now would let the client believe in a
   * fraction of a token the server has not refilled yet), token expiry on `Date.now()`.
   */
  now?: () => number;
  /** Wait between polls of a long-running operation when the server gives no Retry-After. Default 2 s. */
  pollIntervalMs?: number;
  /** Polls before a long-running operation is given up as transient. Default 300. */
  maxPolls?: number;
  /** Pages followed per listing or query (a guard against a server that loops). Default 1000. */
  maxPages?: number;
}

/** api-version of Microsoft.Network/privateEndpoints reads. */
export const PRIVATE_ENDPOINT_API_VERSION = '2024-05-01';
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
export const RESOURCE_GRAPH_API_VERSION = '2024-04-01';
/** ARM descriptions are short; longer ones are refused by some providers. */
export const MAX_DESCRIPTION_LENGTH = 140;
/** Refresh a cached token this long before it expires. */
const TOKEN_REFRESH_MARGIN_MS = 2 * 60 * 1000;

type Method = 'GET' | 'PUT' | 'PATCH' | 'POST';

interface Call {
  method: Method;
  url: URL;
  kind: RequestKind;
  body?: unknown;
  headers?: Record<string, string>;
  /** No Authorization header (the home-tenant probe). */
  anonymous?: boolean;
  /** Error statuses returned to the caller instead of thrown. */
  accept?: readonly number[];
}

interface Reply {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isTokenCredential(value: unknown): value is TokenCredential {
  return typeof value === 'object' && value !== null && typeof (value as TokenCredential).getToken === 'function';
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asConnection(value: unknown): ArmConnection | undefined {
  return isRecord(value) && typeof value.id === 'string' ? (value as ArmConnection) : undefined;
}

const TERMINAL_STATES = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);
const TENANT_IN_CHALLENGE = /authorization_uri="https?:\/\/[^/"]+\/([0-9a-fA-F-]{36})/u;
const MANAGEMENT_GROUP = /^[A-Za-z0-9._()-]{1,90}$/u;

export function createArmClient(options: ArmClientOptions): ArmClient {
  const base = new URL(options.endpoint);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`ARM endpoint must be http(s), got ${base.protocol}`);
  const basePath = base.pathname.replace(/\/+$/u, '');
  const scope = `${base.origin}/.default`;
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const pacingClock = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? sleepFor;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  // 120 polls at the default 2 s: a write's worst case (retries and polling) stays under the
  // audit lease (LINKGATE_LEASE_SECONDS, 900 s), so a claim is never taken over mid-write.
  const maxPolls = options.maxPolls ?? 120;
  const maxPages = options.maxPages ?? 1_000;
  const pacing = options.pacing ?? true;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const buckets: TokenBuckets = createTokenBuckets({
    ...(options.buckets?.reads === undefined ? {} : { reads: options.buckets.reads }),
    ...(options.buckets?.writes === undefined ? {} : { writes: options.buckets.writes }),
    ...(options.buckets?.jitterMs === undefined ? {} : { jitterMs: options.buckets.jitterMs }),
    now: pacingClock,
    sleep,
  });
  const retryPolicy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    random: options.random ?? Math.random,
    sleep,
  };
  const tenantCache = new Map<string, Promise<string | undefined>>();

  // ---- tokens -------------------------------------------------------------------------------
  let credential: TokenCredential | undefined = isTokenCredential(options.credential) ? options.credential : undefined;
  const staticToken = !isTokenCredential(options.credential) && options.credential !== undefined ? options.credential.token : undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  /** The last token handed out, kept only to cut it out of error texts. */
  let lastToken: string | undefined = staticToken;

  async function acquireToken(): Promise<string> {
    if (credential === undefined) {
      const identity = await import('@azure/identity');
      credential = new identity.DefaultAzureCredential();
    }
    let access;
    try {
      access = await credential.getToken(scope);
    } catch (error) {
      throw new ArmError({
        method: 'TOKEN', path: scope, httpStatus: undefined, code: 'CredentialUnavailable',
        armMessage: error instanceof Error ? error.message : String(error),
        // Transient: a managed-identity endpoint blip looks the same as a missing identity, and
        // only a failed invocation gets Event Grid to try again; a real misconfiguration keeps
        // failing loudly with this hint instead of being dropped with a 200.
        requestId: undefined, correlationId: undefined, transient: true, retryAfterMs: undefined, cause: error,
        hint: 'No Azure credential produced a token: run az login, give the app a managed identity, or set LINKGATE_ARM_TOKEN for an emulator.',
      });
    }
    if (access === null || typeof access.token !== 'string' || access.token.length === 0) {
      throw new ArmError({
        method: 'TOKEN', path: scope, httpStatus: undefined, code: 'CredentialUnavailable', armMessage: 'the credential returned no token',
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
        hint: 'Run az login, give the app a managed identity, or set LINKGATE_ARM_TOKEN for an emulator.',
      });
    }
    cached = { token: access.token, refreshAt: access.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS };
    return access.token;
  }

  async function getToken(): Promise<string> {
    if (staticToken !== undefined) return staticToken;
    if (cached !== undefined && now() < cached.refreshAt) return cached.token;
    // One acquisition at a time; concurrent requests share it.
    pending ??= acquireToken().finally(() => {
      pending = undefined;
    });
    const token = await pending;
    lastToken = token;
    return token;
  }

  // ---- URLs ---------------------------------------------------------------------------------
  function urlFor(path: string, apiVersion: string): URL {
    const url = new URL(base.origin + basePath + path);
    url.searchParams.set('api-version', apiVersion);
    return url;
  }

  /** A URL the server handed back; it must stay on our origin or the token would leak. */
  function followUrl(link: string, what: string, apiVersion: string | undefined): URL {
    let url: URL;
    try {
      url = new URL(link, base);
    } catch (error) {
      throw new ArmError({
        method: 'GET', path: what, httpStatus: undefined, code: 'InvalidLink', armMessage: `${what} is not a URL`,
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined, cause: error,
      });
    }
    if (url.origin !== base.origin) {
      throw new ArmError({
        method: 'GET', path: url.pathname, httpStatus: undefined, code: 'ForeignLink',
        armMessage: `${what} points to ${url.origin}, not ${base.origin}; not followed`,
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
        hint: 'ARM handed back a link to another host; linkgate sends its token only to LINKGATE_ARM_ENDPOINT.',
      });
    }
    if (apiVersion !== undefined && !url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
    return url;
  }

  /** The pacing scope: the subscription in the path, else a tenant-wide bucket. */
  function scopeOf(url: URL): string {
    const rest = url.pathname.slice(basePath.length);
    const match = /^\/subscriptions\/([0-9a-fA-F-]{36})(\/|$)/u.exec(rest);
    return match?.[1]?.toLowerCase() ?? 'tenant';
  }

  // ---- one request, then with retries ---------------------------------------------------------
  async function attempt(call: Call, attemptNumber: number): Promise<Reply> {
    const subscription = scopeOf(call.url);
    // Acquire the bearer token before pacing (a slow first acquisition must not eat into the
    // schedule) and look again after it (a long wait may have crossed the refresh point).
    if (call.anonymous !== true) await getToken();
    if (pacing) await buckets.take(subscription, call.kind);
    const token = call.anonymous === true ? undefined : await getToken();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'linkgate', ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    const started = now();
    let status: number;
    let responseHeaders: Record<string, string | undefined>;
    let text: string;
    try {
      const response = await request(call.url, { dispatcher, method: call.method, headers, body: payload, signal: controller.signal });
      status = response.statusCode;
      responseHeaders = flattenHeaders(response.headers);
      text = await response.body.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw armErrorFromNetwork({
        method: call.method,
        path: call.url.pathname,
        cause: timedOut ? Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'Timeout' }) : error,
        secret: token ?? lastToken,
      });
    } finally {
      clearTimeout(timer);
      if (pacing) buckets.settle(subscription, call.kind);
    }
    if (pacing && subscription !== 'tenant') {
      for (const kind of ['read', 'write'] as const) {
        const remaining = responseHeaders[`x-ms-ratelimit-remaining-subscription-${kind}s`];
        if (remaining !== undefined) buckets.observeRemaining(subscription, kind, Number(remaining));
      }
      // A 429 says ARM's bucket is empty, whatever ours believes.
      if (status === 429) buckets.observeRemaining(subscription, call.kind, 0);
    }
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = status >= 400 ? { error: { code: undefined, message: text.slice(0, 500) } } : undefined;
      }
    }
    logger.debug(
      { method: call.method, path: call.url.pathname, status, attempt: attemptNumber, ms: Math.round(now() - started), requestId: responseHeaders['x-ms-request-id'] },
      'arm request',
    );
    if (status >= 400 && !(call.accept ?? []).includes(status)) {
      throw armErrorFromResponse({ method: call.method, path: call.url.pathname, status, headers: responseHeaders, body, secret: token ?? lastToken, nowMs: now() });
    }
    return { status, headers: responseHeaders, body };
  }

  function send(call: Call): Promise<Reply> {
    return withRetry((n) => attempt(call, n), retryPolicy, ({ attempt: n, delayMs, error }) => {
      const e = error as Partial<ArmError>;
      logger.warn({ method: call.method, path: call.url.pathname, attempt: n, delayMs, httpStatus: e.httpStatus, code: e.code, requestId: e.requestId }, 'arm request retried');
    });
  }

  // ---- long-running operations ----------------------------------------------------------------
  function pollDelay(reply: Reply): number {
    return parseRetryAfterMs(reply.headers['retry-after'], now()) ?? pollIntervalMs;
  }

  function operationFailed(path: string, body: unknown, state: string): ArmError {
    const { code, message } = armErrorBody(body);
    return new ArmError({
      method: 'GET', path, httpStatus: undefined, code: code ?? `LongRunningOperation${state}`, armMessage: message ?? `the operation ended ${state}`,
      requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
      hint: 'Azure accepted the write but the operation did not succeed; the connection is re-read on the next event or sweep.',
    });
  }

  function pollsExhausted(path: string): ArmError {
    return new ArmError({
      method: 'GET', path, httpStatus: undefined, code: 'LongRunningOperationTimeout', armMessage: `still running after ${maxPolls} polls`,
      requestId: undefined, correlationId: undefined, transient: true, retryAfterMs: undefined,
      hint: 'The operation may still complete; the connection is re-read on the next event or sweep.',
    });
  }

  /** Polls Azure-AsyncOperation (preferred) or Location to a terminal state; returns the final body. */
  async function completeLongRunning(reply: Reply, apiVersion: string): Promise<unknown> {
    const asyncOperation = reply.headers['azure-asyncoperation'];
    const location = reply.headers.location;
    const provisioning = isRecord(reply.body) && isRecord(reply.body.properties) ? reply.body.properties.provisioningState : undefined;
    // An Azure-AsyncOperation header means a long-running operation whatever the status code (as
    // core-lro reads it): a 201 with it and no provisioningState is still running.
    const running = reply.status === 202 || asyncOperation !== undefined || (typeof provisioning === 'string' && !TERMINAL_STATES.has(provisioning.toLowerCase()));
    if (!running || (asyncOperation === undefined && location === undefined)) return reply.body;
    let delay = pollDelay(reply);
    if (asyncOperation !== undefined) {
      const url = followUrl(asyncOperation, 'Azure-AsyncOperation', apiVersion);
      for (let poll = 0; poll < maxPolls; poll++) {
        await sleep(delay);
        const status = await send({ method: 'GET', url, kind: 'read' });
        const state = isRecord(status.body) && typeof status.body.status === 'string' ? status.body.status : 'InProgress';
        if (state.toLowerCase() === 'succeeded') {
          // For POST actions the result sits behind Location; a PUT's result is re-read by the caller.
          if (location === undefined) return undefined;
          const result = await send({ method: 'GET', url: followUrl(location, 'Location', apiVersion), kind: 'read' });
          return result.body;
        }
        if (TERMINAL_STATES.has(state.toLowerCase())) throw operationFailed(url.pathname, status.body, state);
        delay = pollDelay(status);
      }
      throw pollsExhausted(url.pathname);
    }
    const url = followUrl(location as string, 'Location', apiVersion);
    for (let poll = 0; poll < maxPolls; poll++) {
      await sleep(delay);
      const result = await send({ method: 'GET', url, kind: 'read' });
      if (result.status !== 202) return result.body;
      delay = pollDelay(result);
    }
    throw pollsExhausted(url.pathname);
  }

  // ---- ID checks ----------------------------------------------------------------------------
  function parseTarget(targetId: string): { id: ArmId; entry: ResourceTypeEntry } {
    const parsed = parseArmId(targetId);
    if (!parsed.ok) throw new InvalidArmIdError('provider resource', targetId, parsed.error);
    return { id: parsed.id, entry: resourceTypeOf(parsed.id.text) };
  }

  function parseConnection(connectionId: string): { id: ArmId; target: ArmId; entry: ResourceTypeEntry } {
    const parsed = parseArmId(connectionId);
    if (!parsed.ok) throw new InvalidArmIdError('private endpoint connection', connectionId, parsed.error);
    const target = targetOfConnectionId(parsed.id.text);
    if (!target.ok) throw new InvalidArmIdError('private endpoint connection', connectionId, target.error);
    return { id: parsed.id, target: target.id, entry: resourceTypeOf(target.id.text) };
  }

  function parseEndpoint(endpointId: unknown): ArmId {
    const parsed = parseArmId(endpointId);
    if (!parsed.ok) throw new InvalidArmIdError('private endpoint', endpointId, parsed.error);
    if (!isPrivateEndpointId(parsed.id)) throw new InvalidArmIdError('private endpoint', endpointId, 'not a Microsoft.Network/privateEndpoints ID');
    return parsed.id;
  }

  // ---- listings -----------------------------------------------------------------------------
  /** Follows nextLink pages of a collection; bare arrays (IoT Hub) are one page. */
  async function listPages(first: URL, apiVersion: string, method: Method = 'GET', kind: RequestKind = 'read'): Promise<unknown[]> {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = first;
    let reply = await send({ method, url: first, kind });
    let body = method === 'POST' ? await completeLongRunning(reply, apiVersion) : reply.body;
    for (let page = 0; page < maxPages; page++) {
      if (Array.isArray(body)) return [...items, ...body];
      if (!isRecord(body)) return items;
      if (Array.isArray(body.value)) items.push(...body.value);
      // AOSM's published example answers `value` as one object where its schema says an array.
      else if (isRecord(body.value)) items.push(body.value);
      if (typeof body.nextLink !== 'string' || body.nextLink.length === 0) return items;
      url = followUrl(body.nextLink, 'nextLink', apiVersion);
      if (seen.has(url.href)) throw pagingLoop(url.pathname);
      seen.add(url.href);
      reply = await send({ method: 'GET', url, kind: 'read' });
      body = reply.body;
    }
    throw pagingLoop(first.pathname);
  }

  function pagingLoop(path: string): ArmError {
    return new ArmError({
      method: 'GET', path, httpStatus: undefined, code: 'PagingLoop', armMessage: `paging did not end within ${maxPages} pages or repeated a link`,
      requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
    });
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
  async function listAosm(store: ArmId, entry: ResourceTypeEntry): Promise<ArmConnection[]> {
    const items = await listPages(urlFor(`${store.text}/listPrivateEndPoints`, entry.apiVersion), entry.apiVersion, 'POST', 'write');
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
        const reply = await send({ method: 'GET', url: urlFor(target.text, entry.apiVersion), kind: 'read' });
        const properties = isRecord(reply.body) && isRecord(reply.body.properties) ? reply.body.properties : {};
        const list = Array.isArray(properties.privateEndpointConnections) ? properties.privateEndpointConnections : [];
        return connectionsFrom(list, target.text);
      }
      case 'aosm-post':
        return listAosm(target, entry);
    }
  }

  async function readConnection(connection: { id: ArmId; target: ArmId; entry: ResourceTypeEntry }): Promise<ArmConnection | undefined> {
    if (connection.entry.list === 'aosm-post') {
      const all = await listAosm(connection.target, connection.entry);
      return all.find((c) => c.id.toLowerCase() === connection.id.key);
    }
    const reply = await send({ method: 'GET', url: urlFor(connection.id.text, connection.entry.apiVersion), kind: 'read', accept: [404] });
    return reply.status === 404 ? undefined : asConnection(reply.body);
  }

  // ---- the interface ------------------------------------------------------------------------
  return {
    async listConnections(targetId) {
      const { id, entry } = parseTarget(targetId);
      return listConnectionsOf(id, entry);
    },

    async getConnection(connectionId) {
      return readConnection(parseConnection(connectionId));
    },

    async getPrivateEndpoint(privateEndpointId): Promise<EndpointRead> {
      const id = parseEndpoint(privateEndpointId);
      const reply = await send({ method: 'GET', url: urlFor(id.text, PRIVATE_ENDPOINT_API_VERSION), kind: 'read', accept: [403, 404] });
      if (reply.status === 403 || reply.status === 404) {
        const { code, message } = armErrorBody(reply.body);
        const reason = [code, message].filter((s) => s !== undefined).join(': ') || `HTTP ${reply.status}`;
        return { readable: false, httpStatus: reply.status, reason };
      }
      if (!isRecord(reply.body)) return { readable: false, httpStatus: reply.status, reason: 'the answer was not a JSON object' };
      return { readable: true, endpoint: reply.body };
    },

    async setConnectionStatus(req: SetStatusRequest): Promise<SetStatusResult> {
      if (req.status !== 'Approved' && req.status !== 'Rejected') throw new TypeError(`status must be Approved or Rejected, got ${String(req.status)}`);
      const connection = parseConnection(req.connection.id);
      const { entry } = connection;
      const description = String(req.description ?? '').slice(0, MAX_DESCRIPTION_LENGTH);
      let reply: Reply;
      if (entry.action === 'aosm-post') {
        const endpoint = parseEndpoint(req.connection.properties?.privateEndpoint?.id);
        const action = req.status === 'Approved' ? 'approveprivateendpoints' : 'removeprivateendpoints';
        reply = await send({
          method: 'POST',
          url: urlFor(`${connection.target.text}/${action}`, entry.apiVersion),
          kind: 'write',
          body: { manualPrivateEndPointConnections: [{ id: endpoint.text }] },
        });
      } else {
        const body = {
          properties: {
            ...(req.connection.properties?.privateEndpoint === undefined ? {} : { privateEndpoint: req.connection.properties.privateEndpoint }),
            privateLinkServiceConnectionState: { status: req.status, description, [entry.actionsRequiredField]: 'None' },
          },
        };
        const etag = req.connection.etag;
        reply = await send({
          method: entry.action === 'patch' ? 'PATCH' : 'PUT',
          url: urlFor(connection.id.text, entry.apiVersion),
          kind: 'write',
          body,
          ...(typeof etag === 'string' && etag.length > 0 ? { headers: { 'if-match': etag } } : {}),
        });
      }
      await completeLongRunning(reply, entry.apiVersion);
      const requestId = reply.headers['x-ms-request-id'];
      if (entry.action === 'aosm-post') {
        // AOSM keeps no per-endpoint state to re-read (its list holds pending and approved alike,
        // and a removed endpoint vanishes): the operation's success is the confirmation.
        const decided: ArmConnection = {
          ...req.connection,
          properties: { ...req.connection.properties, privateLinkServiceConnectionState: { status: req.status, description } },
        };
        return { connection: decided, httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };
      }
      const reread = await readConnection(connection);
      return { connection: reread, httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };
    },

    homeTenantOf(subscriptionId) {
      const subscription = normalizeGuid(subscriptionId);
      if (subscription === undefined) return Promise.reject(new InvalidArmIdError('subscription', subscriptionId, 'not a GUID'));
      let answer = tenantCache.get(subscription);
      if (answer === undefined) {
        answer = (async () => {
          const reply = await send({
            method: 'GET',
            url: urlFor(`/subscriptions/${subscription}`, SUBSCRIPTIONS_API_VERSION),
            kind: 'read',
            anonymous: true,
            accept: [401, 403, 404],
          });
          const challenge = reply.headers['www-authenticate'];
          const tenant = challenge === undefined ? undefined : TENANT_IN_CHALLENGE.exec(challenge)?.[1];
          return normalizeGuid(tenant);
        })();
        // Only answers are cached; a failure (after retries) is forgotten so a later call asks again.
        answer.catch(() => tenantCache.delete(subscription));
        if (tenantCache.size >= 10_000) tenantCache.clear();
        tenantCache.set(subscription, answer);
      }
      return answer;
    },

    async *queryResourceGraph(req: ResourceGraphRequest) {
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
        const reply = await send({ method: 'POST', url, kind: 'read', body: { ...scopeBody, query: req.query, options } });
        const body = isRecord(reply.body) ? reply.body : {};
        yield* rowsOf(body.data);
        const next = body.$skipToken;
        if (typeof next !== 'string' || next.length === 0) return;
        if (seen.has(next)) throw pagingLoop(url.pathname);
        seen.add(next);
        skipToken = next;
      }
      throw pagingLoop(url.pathname);
    },

    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
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
