/**
 * The ARM client against a real node:http server on 127.0.0.1 that answers the way ARM does for
 * each scenario. Sleep, random and the clock are injected: no test waits on wall time for backoff,
 * polling or pacing, and none asserts on it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createArmClient, type ArmClientOptions } from '../../src/arm/arm-client.js';
import { ArmError, InvalidArmIdError } from '../../src/arm/arm-error.js';
import { lookupResourceType, UnknownResourceTypeError } from '../../src/arm/resource-types.js';
import type { ArmClient, ArmConnection } from '../../src/arm/types.js';
import { writeOutcomeOfError } from '../../src/arm/write-outcome.js';
import { createLogger, silentLogger } from '../../src/log/create-logger.js';
import { readFixture, type ArmExample } from '../support/fixtures.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test-token-payload.sig';
const SUB = '11111111-1111-1111-1111-111111111111';
const CONSUMER_SUB = '22222222-2222-2222-2222-222222222222';
const TENANT = '4444aaaa-4444-4444-4444-444444444444';
const RG = `/subscriptions/${SUB}/resourceGroups/rg1`;
const PLS = `${RG}/providers/Microsoft.Network/privateLinkServices/pls1`;
/** The api-version the type table gives a type (resource-type-data.ts). */
function apiVersionOf(type: string): string {
  const entry = lookupResourceType(type);
  if (entry === undefined) throw new Error(`${type} is not in the type table`);
  return entry.apiVersion;
}
const ENDPOINT = `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg2/providers/Microsoft.Network/privateEndpoints/pe1`;

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Handler = (req: Recorded, res: ServerResponse, n: number) => void;

interface LocalArm {
  url: string;
  requests: Recorded[];
  /** Handlers by "METHOD path" (path without query, lower-case); a function of the call count. */
  on(method: string, path: string, handler: Handler): void;
  close(): Promise<void>;
}

const servers: Server[] = [];
const clients: ArmClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function startArm(): Promise<LocalArm> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: text.length > 0 ? JSON.parse(text) : undefined };
      requests.push(recorded);
      const key = `${recorded.method} ${url.pathname.toLowerCase()}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const handler = routes.get(key);
      res.setHeader('x-ms-request-id', `req-${requests.length}`);
      res.setHeader('x-ms-correlation-request-id', `corr-${requests.length}`);
      if (handler === undefined) return json(res, 404, { error: { code: 'ResourceNotFound', message: `no route ${key}` } });
      handler(recorded, res, n);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, handler) {
      routes.set(`${method} ${path.toLowerCase()}`, handler);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

interface TestClient {
  client: ArmClient;
  sleeps: number[];
  advance(ms: number): void;
  now(): number;
}

function client(arm: LocalArm, overrides: Partial<ArmClientOptions> = {}): TestClient {
  let t = 1_700_000_000_000;
  const sleeps: number[] = [];
  const c = createArmClient({
    endpoint: arm.url,
    credential: { token: TOKEN },
    logger: silentLogger(),
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 0.5,
    now: () => t,
    pollIntervalMs: 1000,
    ...overrides,
  });
  clients.push(c);
  return { client: c, sleeps, advance: (ms) => (t += ms), now: () => t };
}

function connection(target: string, name: string, status = 'Pending', etag = 'W/"1"'): ArmConnection {
  return {
    id: `${target}/privateEndpointConnections/${name}`,
    name,
    etag,
    properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status, description: 'please', actionsRequired: 'None' } },
  };
}

function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} among ${items.length}`);
  return item;
}

function ok200(example: ArmExample): unknown {
  const response = example.responses['200'];
  if (response === undefined) throw new Error('fixture has no 200 response');
  return response.body;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('listing connections', () => {
  it('follows nextLink pages of the collection with api-version and a bearer token', async () => {
    const arm = await startArm();
    const fixture = readFixture<ArmExample>('arm-examples/PrivateLinkServiceListPrivateEndpointConnection.json');
    const firstPage = (ok200(fixture) as { value: ArmConnection[] }).value;
    arm.on('GET', `${PLS}/privateEndpointConnections`, (req, res) => {
      if (req.query.get('page') === '2') return json(res, 200, { value: [connection(PLS, 'c3')] });
      json(res, 200, { value: firstPage, nextLink: `${arm.url}${PLS}/privateEndpointConnections?api-version=${apiVersionOf('Microsoft.Network/privateLinkServices')}&page=2` });
    });
    const { client: c } = client(arm);
    const list = await c.listConnections(PLS);
    expect(list.map((x) => x.name)).toEqual(['testPlePeConnection1', 'testPlePeConnection2', 'c3']);
    expect(list[0]).toEqual(firstPage[0]);
    expect(arm.requests).toHaveLength(2);
    for (const req of arm.requests) {
      expect(req.query.get('api-version')).toBe(apiVersionOf('Microsoft.Network/privateLinkServices'));
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });

  it("reads the parent's properties.privateEndpointConnections for parent-properties types", async () => {
    const arm = await startArm();
    const vault = `${RG}/providers/Microsoft.RecoveryServices/vaults/v1`;
    arm.on('GET', vault, (_req, res) => json(res, 200, { id: vault, properties: { privateEndpointConnections: [connection(vault, 'a'), connection(vault, 'b', 'Approved')] } }));
    const { client: c } = client(arm);
    const list = await c.listConnections(vault);
    expect(list.map((x) => x.properties?.privateLinkServiceConnectionState?.status)).toEqual(['Pending', 'Approved']);
    expect(nth(arm.requests, 0).query.get('api-version')).toBe(apiVersionOf('Microsoft.RecoveryServices/vaults'));
  });

  it('accepts the bare array IoT Hub answers', async () => {
    const arm = await startArm();
    const hub = `${RG}/providers/Microsoft.Devices/IotHubs/hub1`;
    arm.on('GET', `${hub}/privateEndpointConnections`, (_req, res) => json(res, 200, [connection(hub, 'a')]));
    const { client: c } = client(arm);
    expect((await c.listConnections(hub)).map((x) => x.name)).toEqual(['a']);
  });

  it('never follows a nextLink to another host (the token would go with it)', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res) => json(res, 200, { value: [], nextLink: 'https://evil.example/steal?api-version=1' }));
    const { client: c } = client(arm);
    const error = await caught(c.listConnections(PLS));
    expect(error).toBeInstanceOf(ArmError);
    expect((error as ArmError).code).toBe('ForeignLink');
    expect(arm.requests).toHaveLength(1);
  });

  it('synthesizes connections from the AOSM listPrivateEndPoints action', async () => {
    const arm = await startArm();
    const store = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
    arm.on('POST', `${store}/listPrivateEndPoints`, (_req, res) => json(res, 200, { value: [{ manualPrivateEndPointConnections: [{ id: ENDPOINT }] }] }));
    const { client: c } = client(arm);
    const list = await c.listConnections(store);
    expect(list).toEqual([
      { id: `${store}/privateEndpointConnections/pe1`, name: 'pe1', properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status: 'Pending' } } },
    ]);
    expect(nth(arm.requests, 0).query.get('api-version')).toBe('2024-04-15');
  });

  it('reads an AOSM list answered as one object, as the published example shows it', async () => {
    const arm = await startArm();
    const store = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
    arm.on('POST', `${store}/listPrivateEndPoints`, (_req, res) => json(res, 200, { value: { manualPrivateEndPointConnections: [{ id: ENDPOINT }] } }));
    const { client: c } = client(arm);
    expect((await c.listConnections(store)).map((conn) => conn.id)).toEqual([`${store}/privateEndpointConnections/pe1`]);
  });

  it('refuses junk IDs and unknown types before sending anything', async () => {
    const arm = await startArm();
    const { client: c } = client(arm);
    await expect(c.listConnections(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/a?x=1`)).rejects.toBeInstanceOf(InvalidArmIdError);
    await expect(c.listConnections('https://evil.example/subscriptions')).rejects.toBeInstanceOf(InvalidArmIdError);
    await expect(c.getConnection(PLS)).rejects.toBeInstanceOf(InvalidArmIdError);
    const unknown = await caught(c.listConnections(`${RG}/providers/Contoso.Widgets/gadgets/g1`));
    expect(unknown).toBeInstanceOf(UnknownResourceTypeError);
    expect((unknown as Error).message).toContain('Contoso.Widgets/gadgets');
    expect(arm.requests).toHaveLength(0);
  });
});

describe('reading one connection and an endpoint', () => {
  it('returns undefined for a connection that is gone', async () => {
    const arm = await startArm();
    const { client: c } = client(arm);
    expect(await c.getConnection(`${PLS}/privateEndpointConnections/gone`)).toBeUndefined();
  });

  it("reads a private endpoint with the Network api-version of the type table", async () => {
    const arm = await startArm();
    const fixture = readFixture<ArmExample>('arm-examples/PrivateEndpointGet.json');
    arm.on('GET', ENDPOINT, (_req, res) => json(res, 200, ok200(fixture)));
    const { client: c } = client(arm);
    const read = await c.getPrivateEndpoint(ENDPOINT);
    expect(read).toEqual({ readable: true, endpoint: ok200(fixture) });
    expect(nth(arm.requests, 0).query.get('api-version')).toBe(apiVersionOf('Microsoft.Network/privateLinkServices'));
  });

  it('reports a 403 endpoint as unreadable, not as an error', async () => {
    const arm = await startArm();
    arm.on('GET', ENDPOINT, (_req, res) => json(res, 403, { error: { code: 'AuthorizationFailed', message: 'no access' } }));
    const { client: c } = client(arm);
    expect(await c.getPrivateEndpoint(ENDPOINT)).toEqual({ readable: false, httpStatus: 403, reason: 'AuthorizationFailed: no access' });
    expect(arm.requests).toHaveLength(1);
  });

  it('refuses an ID that is not a private endpoint', async () => {
    const arm = await startArm();
    const { client: c } = client(arm);
    await expect(c.getPrivateEndpoint(PLS)).rejects.toBeInstanceOf(InvalidArmIdError);
  });
});

describe('approving and rejecting', () => {
  it('PUTs the fixture-shaped body with If-Match, polls Azure-AsyncOperation to Succeeded, then re-reads', async () => {
    const arm = await startArm();
    const target = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
    const current = connection(target, 'pec1', 'Pending', '"etag-7"');
    const approved = connection(target, 'pec1', 'Approved', '"etag-8"');
    arm.on('PUT', current.id, (_req, res) =>
      json(res, 202, undefined, { 'azure-asyncoperation': `${arm.url}/subscriptions/${SUB}/providers/Microsoft.KeyVault/operations/op1?api-version=${apiVersionOf('Microsoft.KeyVault/vaults')}`, 'retry-after': '3' }),
    );
    arm.on('GET', `/subscriptions/${SUB}/providers/Microsoft.KeyVault/operations/op1`, (_req, res, n) =>
      json(res, 200, { status: n < 2 ? 'InProgress' : 'Succeeded' }, n < 2 ? { 'retry-after': '1' } : {}),
    );
    arm.on('GET', current.id, (_req, res) => json(res, 200, approved));
    const { client: c, sleeps } = client(arm);
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'x'.repeat(500) });

    expect(result).toEqual({ connection: approved, httpStatus: 202, armRequestId: 'req-1', outcome: { kind: 'succeeded' } });
    const put = nth(arm.requests, 0);
    expect(put.method).toBe('PUT');
    expect(put.headers['if-match']).toBe('"etag-7"');
    expect(put.query.get('api-version')).toBe(apiVersionOf('Microsoft.KeyVault/vaults'));
    const fixture = readFixture<ArmExample>('arm-examples/PrivateLinkServiceUpdatePrivateEndpointConnection.json');
    const fixtureBody = fixture.parameters.parameters as { properties: Record<string, unknown> };
    const body = put.body as { properties: { privateEndpoint: unknown; privateLinkServiceConnectionState: Record<string, string> } };
    expect(Object.keys(body.properties).sort()).toEqual(Object.keys(fixtureBody.properties).sort());
    expect(body.properties.privateEndpoint).toEqual({ id: ENDPOINT });
    expect(body.properties.privateLinkServiceConnectionState).toEqual({ status: 'Approved', description: 'x'.repeat(140), actionsRequired: 'None' });
    expect(arm.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'GET', 'GET']);
    expect(sleeps).toEqual([3000, 1000]);
  });

  it('spells actionRequired for Storage and sends no If-Match without an etag', async () => {
    const arm = await startArm();
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    const current = { ...connection(account, 'pec1'), etag: undefined };
    const fixture = readFixture<ArmExample>('arm-examples/StorageAccountPutPrivateEndpointConnection.json');
    arm.on('PUT', current.id, (_req, res) => json(res, 200, ok200(fixture)));
    arm.on('GET', current.id, (_req, res) => json(res, 200, ok200(fixture)));
    const { client: c } = client(arm);
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'Auto-Approved' });
    expect(result.httpStatus).toBe(200);
    expect(result.connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Approved');
    expect(nth(arm.requests, 0).headers['if-match']).toBeUndefined();
    expect((nth(arm.requests, 0).body as { properties: { privateLinkServiceConnectionState: unknown } }).properties.privateLinkServiceConnectionState).toEqual({
      status: 'Approved',
      description: 'Auto-Approved',
      actionRequired: 'None',
    });
  });

  it('turns 412 into a non-transient ArmError and does not retry', async () => {
    const arm = await startArm();
    const current = connection(PLS, 'c1');
    arm.on('PUT', current.id, (_req, res) => json(res, 412, { error: { code: 'PreconditionFailed', message: 'etag mismatch' } }));
    const { client: c, sleeps } = client(arm);
    const error = (await caught(c.setConnectionStatus({ connection: current, status: 'Rejected', description: 'no' }))) as ArmError;
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({ httpStatus: 412, code: 'PreconditionFailed', transient: false, requestId: 'req-1', correlationId: 'corr-1' });
    expect(arm.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    const arm = await startArm();
    const current = connection(PLS, 'c1');
    arm.on('PUT', current.id, (_req, res, n) =>
      n === 1
        ? json(res, 429, { error: { code: 'RetryableErrorDueToAnotherOperation', message: 'busy' } }, { 'retry-after': '7' })
        : json(res, 200, connection(PLS, 'c1', 'Approved', 'W/"2"')),
    );
    arm.on('GET', current.id, (_req, res) => json(res, 200, connection(PLS, 'c1', 'Approved', 'W/"2"')));
    const { client: c, sleeps } = client(arm);
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'ok' });
    expect(result.httpStatus).toBe(200);
    expect(sleeps).toEqual([7000]);
    expect(arm.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'GET']);
  });

  it('retries a 500 with jittered backoff and returns the success', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res, n) => (n < 3 ? json(res, 500, { error: { code: 'InternalServerError' } }) : json(res, 200, { value: [] })));
    const { client: c, sleeps } = client(arm);
    expect(await c.listConnections(PLS)).toEqual([]);
    // random() = 0.5 of 500 ms, then of 1000 ms.
    expect(sleeps).toEqual([250, 500]);
  });

  it('gives up after maxAttempts on persistent 503', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res) => json(res, 503, { error: { code: 'ServiceUnavailable' } }));
    const { client: c } = client(arm, { maxAttempts: 3 });
    const error = (await caught(c.listConnections(PLS))) as ArmError;
    expect(error).toMatchObject({ httpStatus: 503, transient: true });
    expect(arm.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const arm = await startArm();
    const current = connection(PLS, 'c1', 'Pending');
    arm.on('PUT', current.id, (_req, res) => json(res, 400, { error: { code: 'PrivateEndpointConnectionStatusNotPending', message: 'not pending' } }));
    const { client: c, sleeps } = client(arm);
    const error = (await caught(c.setConnectionStatus({ connection: current, status: 'Approved', description: '' }))) as ArmError;
    expect(error).toMatchObject({ httpStatus: 400, code: 'PrivateEndpointConnectionStatusNotPending', transient: false });
    expect(arm.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a connection reset', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, { value: [connection(PLS, 'c1')] })));
    const { client: c, sleeps } = client(arm);
    expect(await c.listConnections(PLS)).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it('times out a request that never answers and retries it', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res, n) => (n === 1 ? undefined : json(res, 200, { value: [] })));
    const { client: c } = client(arm, { timeoutMs: 150 });
    expect(await c.listConnections(PLS)).toEqual([]);
    expect(arm.requests).toHaveLength(2);
  });

  it('uses PATCH for Batch', async () => {
    const arm = await startArm();
    const account = `${RG}/providers/Microsoft.Batch/batchAccounts/b1`;
    const current = connection(account, 'c1');
    arm.on('PATCH', current.id, (_req, res) => json(res, 200, connection(account, 'c1', 'Approved')));
    arm.on('GET', current.id, (_req, res) => json(res, 200, connection(account, 'c1', 'Approved')));
    const { client: c } = client(arm);
    await c.setConnectionStatus({ connection: current, status: 'Approved', description: '' });
    expect(arm.requests[0]).toMatchObject({ method: 'PATCH' });
  });

  it('approves on AOSM with the POST action, polls Location, then confirms by listing the store\'s endpoints', async () => {
    const arm = await startArm();
    const store = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
    const location = `/subscriptions/${SUB}/providers/Microsoft.HybridNetwork/locations/eastus/operationResults/op9`;
    arm.on('POST', `${store}/approveprivateendpoints`, (_req, res) => json(res, 202, undefined, { location: `${arm.url}${location}?api-version=2024-04-15` }));
    arm.on('GET', location, (_req, res, n) => (n === 1 ? json(res, 202, undefined) : json(res, 204, undefined)));
    arm.on('POST', `${store}/listPrivateEndPoints`, (_req, res) => json(res, 200, { value: [{ manualPrivateEndPointConnections: [{ id: ENDPOINT, status: 'Approved' }] }] }));
    const { client: c } = client(arm);
    const current: ArmConnection = { id: `${store}/privateEndpointConnections/pe1`, properties: { privateEndpoint: { id: ENDPOINT } } };
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'ok' });
    expect(arm.requests[0]).toMatchObject({ method: 'POST', body: { manualPrivateEndPointConnections: [{ id: ENDPOINT }] } });
    expect(arm.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual(['POST approveprivateendpoints', 'GET op9', 'GET op9', 'POST listPrivateEndPoints']);
    expect(result.httpStatus).toBe(202);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(result.connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Approved');
  });

  it('reads a Location status body: a 200 saying Failed is a write that did not land, not success', async () => {
    const arm = await startArm();
    const scope = `${RG}/providers/Microsoft.Insights/privateLinkScopes/ampls1`;
    const current = { ...connection(scope, 'pec1'), etag: undefined };
    const status = `/subscriptions/${SUB}/providers/Microsoft.Insights/locations/westeurope/operationStatuses/op5`;
    arm.on('PUT', current.id, (_req, res) => json(res, 202, undefined, { location: `${arm.url}${status}?api-version=2021-09-01` }));
    arm.on('GET', status, (_req, res, n) => json(res, 200, n === 1 ? { status: 'InProgress' } : { status: 'Failed', error: { code: 'Conflict', message: 'scope is being updated' } }));
    arm.on('GET', current.id, (_req, res) => json(res, 200, current));
    const { client: c } = client(arm);
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'ok' });
    expect(result.outcome).toMatchObject({ kind: 'not-landed', code: 'Conflict', transient: false });
    expect(result.connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Pending');
  });

  it('polls GET after a 200 whose provisioningState is Updating and that names nothing to poll', async () => {
    const arm = await startArm();
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    const current = { ...connection(account, 'pec1'), etag: undefined };
    const updating = { ...connection(account, 'pec1', 'Approved'), etag: undefined, properties: { ...connection(account, 'pec1', 'Approved').properties, provisioningState: 'Updating' } };
    const done = { ...updating, properties: { ...updating.properties, provisioningState: 'Succeeded' } };
    arm.on('PUT', current.id, (_req, res) => json(res, 200, updating));
    arm.on('GET', current.id, (_req, res, n) => json(res, 200, n < 3 ? updating : done));
    const { client: c } = client(arm);
    const result = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'ok' });
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(arm.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'GET', 'GET']);
    expect(arm.requests[0]?.headers['if-match']).toBeUndefined();
  });

  it('a write without If-Match is not retried after a lost answer: the outcome is unknown, read before writing again', async () => {
    const arm = await startArm();
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    const current = { ...connection(account, 'pec1'), etag: undefined };
    arm.on('PUT', current.id, (_req, res) => res.socket?.destroy());
    const { client: c } = client(arm);
    const error = await c.setConnectionStatus({ connection: current, status: 'Approved', description: 'ok' }).then(() => undefined, (e: unknown) => e);
    expect(writeOutcomeOfError(error).kind).toBe('unknown');
    expect(arm.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('rejects on AOSM with removeprivateendpoints', async () => {
    const arm = await startArm();
    const store = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
    arm.on('POST', `${store}/removeprivateendpoints`, (_req, res) => json(res, 200, undefined));
    arm.on('POST', `${store}/listPrivateEndPoints`, (_req, res) => json(res, 200, { value: [] }));
    const { client: c } = client(arm);
    const current: ArmConnection = { id: `${store}/privateEndpointConnections/pe1`, properties: { privateEndpoint: { id: ENDPOINT } } };
    const result = await c.setConnectionStatus({ connection: current, status: 'Rejected', description: 'no' });
    expect(arm.requests[0]).toMatchObject({ method: 'POST', body: { manualPrivateEndPointConnections: [{ id: ENDPOINT }] } });
    expect(result.connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Rejected');
  });
});

describe('home tenant', () => {
  it('reads the tenant from the unauthenticated 401 challenge and caches it', async () => {
    const arm = await startArm();
    arm.on('GET', `/subscriptions/${CONSUMER_SUB}`, (_req, res) =>
      json(res, 401, { error: { code: 'AuthenticationFailed' } }, {
        'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${TENANT.toUpperCase()}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      }),
    );
    const { client: c } = client(arm);
    expect(await c.homeTenantOf(CONSUMER_SUB.toUpperCase())).toBe(TENANT);
    expect(await c.homeTenantOf(CONSUMER_SUB)).toBe(TENANT);
    expect(arm.requests).toHaveLength(1);
    expect(nth(arm.requests, 0).headers.authorization).toBeUndefined();
    expect(nth(arm.requests, 0).query.get('api-version')).toBe('2022-12-01');
  });

  it('answers undefined when the challenge names no tenant', async () => {
    const arm = await startArm();
    arm.on('GET', `/subscriptions/${CONSUMER_SUB}`, (_req, res) => json(res, 404, { error: { code: 'SubscriptionNotFound' } }));
    const { client: c } = client(arm);
    expect(await c.homeTenantOf(CONSUMER_SUB)).toBeUndefined();
  });

  it('refuses a subscription that is not a GUID', async () => {
    const arm = await startArm();
    const { client: c } = client(arm);
    await expect(c.homeTenantOf('../x')).rejects.toBeInstanceOf(InvalidArmIdError);
  });
});

describe('Resource Graph', () => {
  it('follows $skipToken and yields every row', async () => {
    const arm = await startArm();
    arm.on('POST', '/providers/Microsoft.ResourceGraph/resources', (req, res) => {
      const options = (req.body as { options: Record<string, unknown> }).options;
      if (options.$skipToken === undefined) return json(res, 200, { totalRecords: 3, count: 2, data: [{ id: 'a' }, { id: 'b' }], $skipToken: 'page2' });
      json(res, 200, { totalRecords: 3, count: 1, data: { columns: [{ name: 'id', type: 'string' }], rows: [['c']] } });
    });
    const { client: c } = client(arm);
    const rows: Record<string, unknown>[] = [];
    for await (const row of c.queryResourceGraph({ query: 'resources | take 3', subscriptions: [SUB.toUpperCase()], pageSize: 2 })) rows.push(row);
    expect(rows).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(arm.requests.map((r) => r.body)).toEqual([
      { subscriptions: [SUB], query: 'resources | take 3', options: { $top: 2 } },
      { subscriptions: [SUB], query: 'resources | take 3', options: { $top: 2, $skipToken: 'page2' } },
    ]);
    expect(nth(arm.requests, 0).query.get('api-version')).toBe('2024-04-01');
  });
});

describe('secrets', () => {
  it('never puts the token in errors or logs, even when ARM echoes it', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (req, res) =>
      json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: `rejected ${String(req.headers.authorization)} raw ${TOKEN}` } }),
    );
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { client: c } = client(arm, { logger: createLogger({ level: 'debug', destination }) });
    const error = (await caught(c.listConnections(PLS))) as ArmError;
    expect(error).toMatchObject({ httpStatus: 401, code: 'InvalidAuthenticationToken', transient: false });
    expect(error.message).toContain('InvalidAuthenticationToken');
    for (const text of [error.message, String(error.stack), String(error.armMessage), JSON.stringify({ ...error }), lines.join('')]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('test-token-payload');
    }
  });
});

describe('tokens from a TokenCredential', () => {
  it('caches the token until two minutes before expiry, with the endpoint origin as scope', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res) => json(res, 200, { value: [] }));
    const scopes: string[] = [];
    let issued = 0;
    let clock = (): number => 0;
    const credential = {
      async getToken(scope: string | string[]) {
        scopes.push(String(scope));
        issued++;
        return { token: `tok-${issued}`, expiresOnTimestamp: clock() + 10 * 60_000 };
      },
    };
    const { client: c, advance, now } = client(arm, { credential });
    clock = now;
    await Promise.all([c.listConnections(PLS), c.listConnections(PLS)]);
    advance(7 * 60_000);
    await c.listConnections(PLS);
    expect(issued).toBe(1);
    advance(60_000 + 1);
    await c.listConnections(PLS);
    expect(issued).toBe(2);
    expect(scopes[0]).toBe(`${arm.url}/.default`);
    expect(arm.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });
});

describe('pacing', () => {
  it('sleeps after 250 reads on one subscription and not on another', async () => {
    const arm = await startArm();
    const other = `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/p2`;
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res) => json(res, 200, { value: [] }));
    arm.on('GET', `${other}/privateEndpointConnections`, (_req, res) => json(res, 200, { value: [] }));
    const { client: c, sleeps } = client(arm);
    for (let i = 0; i < 250; i++) await c.listConnections(PLS);
    expect(sleeps).toEqual([]);
    await c.listConnections(other);
    expect(sleeps).toEqual([]);
    for (let i = 0; i < 50; i++) await c.listConnections(PLS);
    // The first wait adds the default 100 ms latency allowance (ARM's refill starts when our first request lands).
    expect(sleeps).toEqual([140, ...Array.from({ length: 49 }, () => 40)]);
  });

  it('slows down early when ARM reports the remaining reads are low', async () => {
    const arm = await startArm();
    arm.on('GET', `${PLS}/privateEndpointConnections`, (_req, res) => json(res, 200, { value: [] }, { 'x-ms-ratelimit-remaining-subscription-reads': '0' }));
    const { client: c, sleeps } = client(arm);
    await c.listConnections(PLS);
    expect(sleeps).toEqual([]);
    // ARM has 0 left: the bucket is cut to 0 less 100 ms of refill (2.5 reads), so the next read
    // waits out the 100 ms allowance of a drawn-from full bucket plus 3.5 reads at 25 s⁻¹.
    await c.listConnections(PLS);
    expect(sleeps).toEqual([240]);
  });
});
