import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../src/cli/commands/emulator.js';
import { UsageError } from '../src/cli/io.js';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from './arm-emulator.js';
import { DEMO_CONNECTION_IDS, DEMO_TARGET_IDS, demoWorld } from './demo-world.js';
import { generateWorld, loadWorld, WorldError, type World } from './world.js';

const TOKEN = 'test-token';
const PROVIDER_SUB = '11111111-1111-4111-8111-111111111111';
const OTHER_SUB = '22222222-2222-4222-8222-222222222222';
const CONSUMER_SUB = '33333333-3333-4333-8333-333333333333';
const PROVIDER_TENANT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const PLS = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;
const STORAGE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sto1`;
const COSMOS = `/subscriptions/${OTHER_SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/cos1`;
const PARENT_ONLY = `/subscriptions/${OTHER_SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/site1`;
const EMPTY = `/subscriptions/${OTHER_SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/empty`;
const STORE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg/providers/Microsoft.HybridNetwork/publishers/pub/artifactStores/store1`;
const pe = (name: string): string => `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/${name}`;
const SUBNET = `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-c/providers/Microsoft.Network/virtualNetworks/v/subnets/s`;

function testWorld(): World {
  return loadWorld({
    providers: [
      {
        id: PLS,
        type: 'Microsoft.Network/privateLinkServices',
        connections: Array.from({ length: 45 }, (_, i) => ({ name: `c${i}`, privateEndpointId: pe(`pe${i}`), status: i === 1 ? 'Rejected' : i === 2 ? 'Approved' : 'Pending' })),
      },
      { id: STORAGE, type: 'Microsoft.Storage/storageAccounts', connections: [{ name: 's0', privateEndpointId: pe('pe0'), status: 'Pending' }] },
      { id: COSMOS, type: 'Microsoft.DocumentDB/databaseAccounts', asyncWrites: true, connections: [{ name: 'k0', privateEndpointId: pe('pek'), status: 'Pending', description: 'hi' }] },
      { id: PARENT_ONLY, type: 'Microsoft.Web/sites', listStyle: 'parent-properties', connections: [{ name: 'w0', privateEndpointId: pe('pew'), status: 'Pending' }] },
      { id: EMPTY, type: 'Microsoft.KeyVault/vaults', connections: [] },
      {
        id: STORE,
        type: 'Microsoft.HybridNetwork/publishers/artifactStores',
        asyncWrites: true,
        connections: [
          { name: 'a0', privateEndpointId: pe('pea0'), status: 'Pending' },
          { name: 'a1', privateEndpointId: pe('pea1'), status: 'Pending' },
          { name: 'a2', privateEndpointId: pe('pea2'), status: 'Rejected' },
        ],
      },
    ],
    endpoints: [
      { id: pe('pe0'), subnetId: SUBNET, ipAddresses: ['10.20.0.4', '10.20.0.5'], connectsTo: [{ targetId: PLS, manual: false, requestMessage: 'CHG123456 batch' }, { targetId: STORAGE, manual: true, requestMessage: 'data' }] },
      { id: pe('pe3'), subnetId: SUBNET, ipAddresses: ['10.20.0.6'], readable: false, connectsTo: [{ targetId: PLS, manual: false, requestMessage: 'x' }] },
    ],
    tenants: { [PROVIDER_SUB]: PROVIDER_TENANT, [CONSUMER_SUB]: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
  });
}

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<ArmEmulatorOptions> = {}): Promise<ArmEmulator> {
  emulator = await startArmEmulator({ world: testWorld(), token: TOKEN, buckets: false, ...options });
  return emulator;
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; auth?: boolean } = {}): Promise<Reply> {
  if (emulator === undefined) throw new Error('start the emulator first');
  const url = path.startsWith('http') ? path : `${emulator.url}${path}`;
  const headers: Record<string, string> = { ...(init.auth === false ? {} : { authorization: `Bearer ${TOKEN}` }), ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const v = (path: string, version = '2024-05-01'): string => `${path}${path.includes('?') ? '&' : '?'}api-version=${version}`;
const errorCode = (reply: Reply): unknown => (reply.body['error'] as Record<string, unknown> | undefined)?.['code'];
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../test/fixtures/arm-examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The set of dotted key paths of a JSON value, to compare shapes with the published examples. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [prefix + '[]'] : keyPaths(value[0], prefix + '[]');
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keyPaths(inner, prefix === '' ? key : `${prefix}.${key}`));
}

describe('ARM emulator: authentication and api-version', () => {
  it('requires the bearer token and answers 401 with WWW-Authenticate', async () => {
    await start();
    const missing = await call(v(PLS), { auth: false });
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('AuthenticationFailed');
    expect(missing.headers.get('www-authenticate')).toContain(`authorization_uri="https://login.microsoftonline.com/${PROVIDER_TENANT}"`);
    expect(missing.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/u);
    expect(missing.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/u);
    const wrong = await call(v(PLS), { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong)).toBe('InvalidAuthenticationToken');
    expect((await call(v(PLS))).status).toBe(200);
  });

  it('requires a well-formed api-version', async () => {
    await start();
    const missing = await call(PLS);
    expect(missing.status).toBe(400);
    expect(errorCode(missing)).toBe('MissingApiVersionParameter');
    const bad = await call(`${PLS}?api-version=latest`);
    expect(errorCode(bad)).toBe('InvalidApiVersionParameter');
  });

  it('echoes the correlation id it is given', async () => {
    await start();
    const reply = await call(v(PLS), { headers: { 'x-ms-correlation-request-id': 'corr-1' } });
    expect(reply.headers.get('x-ms-correlation-request-id')).toBe('corr-1');
  });

  it('tells a subscription home tenant to an unauthenticated GET, 404 for an unknown one', async () => {
    await start();
    const reply = await call(`/subscriptions/${PROVIDER_SUB.toUpperCase()}?api-version=2022-12-01`, { auth: false });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer authorization_uri="https://login\\.microsoftonline\\.com/${PROVIDER_TENANT}", error="invalid_token"`, 'u'));
    const unknown = await call(`/subscriptions/${OTHER_SUB}?api-version=2022-12-01`, { auth: false });
    expect(unknown.status).toBe(404);
    const authenticated = await call(`/subscriptions/${PROVIDER_SUB}?api-version=2022-12-01`);
    expect(authenticated.body['tenantId']).toBe(PROVIDER_TENANT);
  });
});

describe('ARM emulator: reading connections', () => {
  it('answers GET {target} with the connections in ARM shape, case-insensitively', async () => {
    await start();
    const reply = await call(v(PLS.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')));
    expect(reply.status).toBe(200);
    expect(reply.body['id']).toBe(PLS);
    const connections = (reply.body['properties'] as Record<string, unknown>)['privateEndpointConnections'] as Record<string, unknown>[];
    expect(connections).toHaveLength(45);
    const published = (fixture('KeyVaultPutPrivateEndpointConnection.json')['responses'] as Record<string, { body: unknown }>)['200']?.body;
    expect(keyPaths(connections[0]).sort()).toEqual(keyPaths(published).sort());
    expect(connections[0]).toMatchObject({
      id: `${PLS}/privateEndpointConnections/c0`,
      type: 'Microsoft.Network/privateLinkServices/privateEndpointConnections',
      properties: { privateEndpoint: { id: pe('pe0') }, privateLinkServiceConnectionState: { status: 'Pending', description: 'CHG123456 batch', actionsRequired: 'None' } },
    });
  });

  it('spells actionRequired for Storage, as Storage does', async () => {
    await start();
    const reply = await call(v(`${STORAGE}/privateEndpointConnections/S0`));
    expect(reply.status).toBe(200);
    const published = (fixture('StorageAccountPutPrivateEndpointConnection.json')['responses'] as Record<string, { body: Record<string, unknown> }>)['200']?.body;
    expect(keyPaths(reply.body).filter((k) => k !== 'etag').sort()).toEqual(keyPaths(published).sort());
    expect(reply.body['properties']).toMatchObject({ privateLinkServiceConnectionState: { actionRequired: 'None', description: 'data' } });
  });

  it('pages the collection by nextLink', async () => {
    await start();
    const names: string[] = [];
    let next: string | undefined = v(`${PLS}/privateEndpointConnections`);
    let pages = 0;
    while (next !== undefined && pages < 10) {
      const reply = await call(next);
      expect(reply.status).toBe(200);
      names.push(...(reply.body['value'] as Array<{ name: string }>).map((c) => c.name));
      next = reply.body['nextLink'] as string | undefined;
      if (next !== undefined) expect(next).toContain('api-version=2024-05-01');
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(names).size).toBe(45);
  });

  it('has no collection for parent-properties types, and 404s unknown resources', async () => {
    await start();
    const collection = await call(v(`${PARENT_ONLY}/privateEndpointConnections`));
    expect(collection.status).toBe(404);
    expect((await call(v(PARENT_ONLY))).status).toBe(200);
    const unknown = await call(v(`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/nope`));
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('ResourceNotFound');
    const connection = await call(v(`${PLS}/privateEndpointConnections/nope`));
    expect(errorCode(connection)).toBe('ResourceNotFound');
    const subscription = await call(v(`/subscriptions/44444444-4444-4444-8444-444444444444/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/x`));
    expect(errorCode(subscription)).toBe('SubscriptionNotFound');
  });

  it('answers a consumer endpoint in the privateEndpoints shape, 403 when unreadable, 404 when unknown', async () => {
    await start();
    const reply = await call(v(pe('PE0')));
    expect(reply.status).toBe(200);
    const properties = reply.body['properties'] as Record<string, unknown>;
    expect(properties['subnet']).toEqual({ id: SUBNET });
    expect((properties['ipConfigurations'] as Array<{ properties: { privateIPAddress: string } }>).map((c) => c.properties.privateIPAddress)).toEqual(['10.20.0.4', '10.20.0.5']);
    expect((properties['customDnsConfigs'] as Array<{ ipAddresses: string[] }>)[0]?.ipAddresses).toEqual(['10.20.0.4', '10.20.0.5']);
    const auto = properties['privateLinkServiceConnections'] as Array<{ properties: Record<string, unknown> }>;
    expect(auto[0]?.properties).toMatchObject({ privateLinkServiceId: PLS, requestMessage: 'CHG123456 batch', privateLinkServiceConnectionState: { status: 'Pending' } });
    const manual = properties['manualPrivateLinkServiceConnections'] as Array<{ properties: Record<string, unknown> }>;
    expect(manual[0]?.properties).toMatchObject({ privateLinkServiceId: STORAGE, requestMessage: 'data' });
    const published = (fixture('PrivateEndpointGet.json')['responses'] as Record<string, { body: unknown }>)['200']?.body;
    const ours = new Set(keyPaths(reply.body));
    for (const path of ['properties.subnet.id', 'properties.ipConfigurations[].properties.privateIPAddress', 'properties.customDnsConfigs[].ipAddresses[]']) {
      expect(keyPaths(published)).toContain(path);
      expect(ours.has(path)).toBe(true);
    }
    const hidden = await call(v(pe('pe3')));
    expect(hidden.status).toBe(403);
    expect(errorCode(hidden)).toBe('AuthorizationFailed');
    expect((await call(v(pe('ghost')))).status).toBe(404);
  });
});

describe('ARM emulator: writes', () => {
  const approve = (description = 'ok'): unknown => ({ properties: { privateEndpoint: { id: pe('pe0') }, privateLinkServiceConnectionState: { status: 'Approved', description, actionsRequired: 'None' } } });

  it('enforces If-Match with 412 and changes the etag on every write', async () => {
    const emu = await start();
    const path = v(`${PLS}/privateEndpointConnections/c0`);
    const before = await call(path);
    const etag = before.body['etag'] as string;
    const stale = await call(path, { method: 'PUT', body: approve(), headers: { 'if-match': 'W/"stale"' } });
    expect(stale.status).toBe(412);
    expect(errorCode(stale)).toBe('PreconditionFailed');
    expect(emu.writes()).toBe(0);
    const ok = await call(path, { method: 'PUT', body: approve('approved by linkgate'), headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.body['etag']).not.toBe(etag);
    expect(ok.body['properties']).toMatchObject({ privateLinkServiceConnectionState: { status: 'Approved', description: 'approved by linkgate' } });
    const again = await call(path, { method: 'PUT', body: approve(), headers: { 'if-match': etag } });
    expect(again.status).toBe(412);
    expect(emu.writesTo(`${PLS}/privateEndpointConnections/C0`)).toBe(1);
    expect(emu.world.providers[0]?.connections[0]?.status).toBe('Approved');
    expect(emu.stats().preconditionFailed).toBe(2);
    const logged = emu.requests.find((r) => r.method === 'PUT' && r.status === 200);
    expect(logged).toMatchObject({ operation: 'write', ifMatch: etag, apiVersion: '2024-05-01', body: approve('approved by linkgate') });
  });

  it('refuses to approve a Rejected connection and records writes to non-Pending ones', async () => {
    const emu = await start();
    const refused = await call(v(`${PLS}/privateEndpointConnections/c1`), { method: 'PUT', body: approve() });
    expect(refused.status).toBe(400);
    expect((refused.body['error'] as Record<string, string>)['message']).toBe('Approving rejected private endpoint connections is not supported');
    const revoke = { properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'revoked' } } };
    const revoked = await call(v(`${PLS}/privateEndpointConnections/c2`), { method: 'PUT', body: revoke });
    expect(revoked.status).toBe(200);
    expect(emu.stats().nonPendingWrites).toEqual([{ connectionId: `${PLS}/privateEndpointConnections/c2`, from: 'Approved', to: 'Rejected' }]);
    expect(emu.stats().refusedTransitions).toBe(1);
    const junk = await call(v(`${PLS}/privateEndpointConnections/c3`), { method: 'PUT', body: { properties: { privateLinkServiceConnectionState: { status: 'Pending' } } } });
    expect(junk.status).toBe(400);
  });

  it('answers 202 with Azure-AsyncOperation for async types and polls InProgress then Succeeded', async () => {
    const emu = await start();
    const path = v(`${COSMOS}/privateEndpointConnections/k0`, '2024-11-15');
    const accepted = await call(path, { method: 'PUT', body: approve() });
    expect(accepted.status).toBe(202);
    const operation = accepted.headers.get('azure-asyncoperation');
    const location = accepted.headers.get('location');
    expect(operation).toMatch(new RegExp(`^${emu.url}/subscriptions/${OTHER_SUB}/providers/Microsoft\\.DocumentDB/locations/westeurope/operations/.+\\?api-version=2024-11-15$`, 'u'));
    expect(location).toContain('/operationResults/');
    expect(((await call(path)).body['properties'] as Record<string, unknown>)['provisioningState']).toBe('Updating');
    expect((await call(operation ?? '')).body['status']).toBe('InProgress');
    expect((await call(operation ?? '')).body['status']).toBe('Succeeded');
    const final = await call(location ?? '');
    expect(final.status).toBe(200);
    expect(final.body['properties']).toMatchObject({ provisioningState: 'Succeeded', privateLinkServiceConnectionState: { status: 'Approved' } });
    expect(emu.writes()).toBe(1);
  });

  it('serves the AOSM artifact-store actions', async () => {
    const emu = await start();
    const list = await call(v(`${STORE}/listPrivateEndPoints`, '2024-04-15'), { method: 'POST' });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ value: [{ manualPrivateEndPointConnections: [{ id: pe('pea0') }, { id: pe('pea1') }] }] });
    const approved = await call(v(`${STORE}/approveprivateendpoints`, '2024-04-15'), { method: 'POST', body: { manualPrivateEndPointConnections: [{ id: pe('PEA0') }] } });
    expect(approved.status).toBe(202);
    expect(approved.headers.get('location')).toContain('/providers/Microsoft.HybridNetwork/locations/westeurope/operationResults/');
    const removed = await call(v(`${STORE}/removeprivateendpoints`, '2024-04-15'), { method: 'POST', body: { manualPrivateEndPointConnections: [pe('pea1')] } });
    expect(removed.status).toBe(202);
    const store = emu.world.providers.find((p) => p.id === STORE);
    expect(store?.connections.map((c) => c.status)).toEqual(['Approved', 'Rejected', 'Rejected']);
    expect(emu.writesTo(`${STORE}/privateEndpointConnections/a0`)).toBe(1);
    const unknown = await call(v(`${STORE}/approveprivateendpoints`, '2024-04-15'), { method: 'POST', body: { manualPrivateEndPointConnections: [{ id: pe('nope') }] } });
    expect(unknown.status).toBe(400);
    const rejected = await call(v(`${STORE}/approveprivateendpoints`, '2024-04-15'), { method: 'POST', body: { manualPrivateEndPointConnections: [{ id: pe('pea2') }] } });
    expect(rejected.status).toBe(400);
    expect(emu.writes()).toBe(2);
  });
});

describe('ARM emulator: Resource Graph', () => {
  const graph = (body: unknown): Promise<Reply> => call('/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', { method: 'POST', body });

  it('returns provider resources with connections in the given subscriptions, paged by $skipToken', async () => {
    await start();
    const ids: string[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const reply = await graph({ subscriptions: [PROVIDER_SUB.toUpperCase(), OTHER_SUB], query: 'resources | where ...', options: { $top: 2, ...(skipToken === undefined ? {} : { $skipToken: skipToken }) } });
      expect(reply.status).toBe(200);
      expect(reply.body['totalRecords']).toBe(5);
      const data = reply.body['data'] as Array<Record<string, unknown>>;
      expect(reply.body['count']).toBe(data.length);
      ids.push(...data.map((row) => row['id'] as string));
      skipToken = reply.body['$skipToken'] as string | undefined;
      pages++;
    } while (skipToken !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(ids).toEqual([PLS, STORAGE, COSMOS, PARENT_ONLY, STORE]);
    const only = await graph({ subscriptions: [OTHER_SUB], query: 'resources' });
    const rows = only.body['data'] as Array<Record<string, unknown>>;
    expect(rows.map((r) => r['id'])).toEqual([COSMOS, PARENT_ONLY]);
    expect(rows[0]).toMatchObject({ type: 'microsoft.documentdb/databaseaccounts', subscriptionId: OTHER_SUB });
    expect((rows[0]?.['privateEndpointConnections'] as unknown[]).length).toBe(1);
  });

  it('rejects a bad query body or skip token', async () => {
    await start();
    expect((await graph({ subscriptions: [OTHER_SUB] })).status).toBe(400);
    expect((await graph({ query: 'resources', options: { $skipToken: 'garbage!' } })).status).toBe(400);
    expect((await graph({ query: 'resources', options: { $top: 5000 } })).status).toBe(400);
  });
});

describe("ARM emulator: Resource Graph's query quota", () => {
  const graph = (): Promise<Reply> => call('/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', { method: 'POST', body: { query: 'resources' } });

  it('counts queries in a fixed window, says so in x-ms-user-quota-*, and answers 429 RateLimiting once spent', async () => {
    let clock = Date.parse('2025-01-01T00:00:00Z');
    await start({ graphQuota: { queries: 2, windowSeconds: 5 }, now: () => clock });
    const first = await graph();
    expect([first.status, first.headers.get('x-ms-user-quota-remaining'), first.headers.get('x-ms-user-quota-resets-after')]).toEqual([200, '1', '00:00:05']);
    clock += 1_500;
    const second = await graph();
    expect([second.status, second.headers.get('x-ms-user-quota-remaining'), second.headers.get('x-ms-user-quota-resets-after')]).toEqual([200, '0', '00:00:04']);
    const third = await graph();
    expect(third.status).toBe(429);
    expect(third.body['error']).toMatchObject({ code: 'RateLimiting' });
    expect(third.headers.get('retry-after')).toBe('4');
    // Other ARM reads do not spend the quota.
    expect((await call(v(PLS, '2024-05-01'))).status).toBe(200);
    clock += 3_500;
    const next = await graph();
    expect([next.status, next.headers.get('x-ms-user-quota-remaining')]).toEqual([200, '1']);
  });

  it('is off with buckets: false unless asked for', async () => {
    await start();
    for (let i = 0; i < 20; i++) expect((await graph()).status).toBe(200);
  });
});

describe('ARM emulator: throttling', () => {
  it('answers 429 with Retry-After when a subscription bucket is empty, and refills with the clock', async () => {
    let clock = 1_000_000;
    await start({ buckets: { reads: { burst: 2, perSecond: 1 }, writes: { burst: 1, perSecond: 1 } }, now: () => clock });
    const first = await call(v(PLS));
    expect(first.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('1');
    expect((await call(v(PLS))).status).toBe(200);
    const throttled = await call(v(PLS));
    expect(throttled.status).toBe(429);
    expect(errorCode(throttled)).toBe('SubscriptionRequestsThrottled');
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(throttled.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('0');
    // Another subscription has its own bucket; writes have theirs.
    expect((await call(v(COSMOS))).status).toBe(200);
    const write = await call(v(`${PLS}/privateEndpointConnections/c0`), { method: 'PUT', body: { properties: { privateLinkServiceConnectionState: { status: 'Rejected' } } } });
    expect(write.status).toBe(200);
    expect(write.headers.get('x-ms-ratelimit-remaining-subscription-writes')).toBe('0');
    clock += 1000;
    expect((await call(v(PLS))).status).toBe(200);
    expect(emulator?.stats().throttled).toBe(1);
  });
});

describe('ARM emulator: faults', () => {
  it('injects status faults a bounded number of times', async () => {
    const emu = await start({ faults: [{ match: { operation: 'list' }, fault: { kind: 'status', status: 503, retryAfter: 2 }, times: 1 }] });
    const failed = await call(v(PLS));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(errorCode(failed)).toBe('ServiceUnavailable');
    expect((await call(v(PLS))).status).toBe(200);
    expect(emu.stats().faultsInjected).toBe(1);
    expect(emu.requests[0]).toMatchObject({ fault: 'status', status: 503, operation: 'list' });
  });

  it('resets connections, delays answers, and honours probability and setFaults', async () => {
    const emu = await start({ faults: [{ match: { method: 'GET', pathIncludes: '/privateEndpoints/' }, fault: { kind: 'reset' } }] });
    await expect(call(v(pe('pe0')))).rejects.toThrow();
    expect((await call(v(PLS))).status).toBe(200);
    emu.setFaults([
      { match: { operation: 'get' }, fault: { kind: 'status', status: 500 }, probability: 0 },
      { match: { operation: 'get' }, fault: { kind: 'delay', ms: 5 }, times: 1 },
    ]);
    expect((await call(v(`${PLS}/privateEndpointConnections/c0`))).status).toBe(200);
    expect(emu.requests.at(-1)).toMatchObject({ fault: 'delay', status: 200 });
    expect((await call(v(`${PLS}/privateEndpointConnections/c0`))).status).toBe(200);
    expect(emu.stats().faultsInjected).toBe(2);
  });
});

describe('ARM emulator: a write whose client timed out', () => {
  it('holds a timeout-faulted write until the client leaves, then lands it; idle() waits for it', async () => {
    const emu = await start({ faults: [{ match: { operation: 'write' }, fault: { kind: 'timeout' }, times: 1 }] });
    const body = JSON.stringify({ properties: { privateEndpoint: { id: pe('pe4') }, privateLinkServiceConnectionState: { status: 'Approved', description: 'ok', actionsRequired: 'None' } } });
    const path = v(`${PLS}/privateEndpointConnections/c4`);
    const port = Number(new URL(emu.url).port);
    // A client that sends the write and gives up at once (half-closes): no timer decides who goes first.
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end(
          `PUT ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      });
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.once('close', () => resolve(received));
      socket.once('error', reject);
    });
    await emu.idle();
    // The answer went nowhere, yet ARM applied the write.
    expect(answer).toBe('');
    expect(emu.writesTo(`${PLS}/privateEndpointConnections/c4`)).toBe(1);
    expect(emu.requests.at(-1)).toMatchObject({ fault: 'timeout', operation: 'write', status: 200 });
    expect(emu.world.providers[0]?.connections[4]?.status).toBe('Approved');
    // Idle with nothing in flight answers at once.
    await emu.idle();
  });
});

describe('emulator worlds', () => {
  it('loadWorld reports every problem with its path and fills descriptions and etags', () => {
    expect(() => loadWorld({ providers: [{ id: 'nope', type: 'x', connections: [{ name: 'a', privateEndpointId: pe('p'), status: 'Maybe' }] }], endpoints: [], tenants: { x: 'y' } })).toThrow(
      WorldError,
    );
    const invalid = (): World =>
      loadWorld({ providers: [{ id: PLS, type: 'Microsoft.Network/privateLinkServices', connections: [{ name: 'a', privateEndpointId: pe('p'), status: 'Maybe' }, { name: 'A', privateEndpointId: pe('q'), status: 'Pending' }] }], tenants: {} });
    expect(invalid).toThrow('$.providers[0].connections[0].status');
    expect(invalid).toThrow("duplicate connection name 'A'");
    const world = testWorld();
    expect(world.providers[0]?.connections[0]?.description).toBe('CHG123456 batch');
    expect(world.providers[0]?.connections[0]?.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/u);
    expect(loadWorld(JSON.stringify(world))).toEqual(world);
  });

  it('generateWorld is deterministic and mixed', () => {
    const a = generateWorld({ targets: 20, connectionsPerTarget: 10, seed: 7, artifactStores: 1 });
    expect(generateWorld({ targets: 20, connectionsPerTarget: 10, seed: 7, artifactStores: 1 })).toEqual(a);
    expect(generateWorld({ targets: 20, connectionsPerTarget: 10, seed: 8, artifactStores: 1 })).not.toEqual(a);
    expect(a.providers).toHaveLength(21);
    const statuses = a.providers.flatMap((p) => p.connections.map((c) => c.status));
    expect(statuses).toHaveLength(210);
    for (const status of ['Pending', 'Approved', 'Rejected']) expect(statuses).toContain(status);
    expect(a.endpoints.some((e) => e.readable === false)).toBe(true);
    expect(new Set(a.endpoints.map((e) => e.id.split('/')[2])).size).toBeGreaterThan(2);
    expect(loadWorld(a)).toEqual(a);
  });

  it('the demo world has the targets the example policies name, 3-5 Pending connections each', () => {
    const world = demoWorld();
    expect(world.providers.map((p) => p.id)).toEqual([...DEMO_TARGET_IDS]);
    for (const provider of world.providers) {
      const pending = provider.connections.filter((c) => c.status === 'Pending').length;
      expect(pending).toBeGreaterThanOrEqual(3);
      expect(pending).toBeLessThanOrEqual(5);
    }
    expect(world.endpoints.filter((e) => e.readable === false)).toHaveLength(1);
    expect(DEMO_CONNECTION_IDS).toHaveLength(world.providers.reduce((n, p) => n + p.connections.length, 0));
    expect(demoWorld()).not.toBe(world);
  });
});

describe('linkgate emulator arguments', () => {
  it('parses and rejects', () => {
    expect(parseEmulatorArgs(['--generate', '200x50', '--seed', '3', '--port', '0', '--no-throttle'])).toMatchObject({ generate: { targets: 200, connectionsPerTarget: 50 }, seed: 3, throttle: false });
    expect(parseEmulatorArgs(['--help'])).toBe('help');
    expect(() => parseEmulatorArgs(['--generate', '200by50'])).toThrow(UsageError);
    expect(() => parseEmulatorArgs(['--world', 'w.json', '--generate', '1x1'])).toThrow(UsageError);
    expect(() => parseEmulatorArgs(['--port', '70000'])).toThrow(UsageError);
  });
});
