/**
 * Integration: the real ARM client (createArmClient) against the real local ARM emulator on
 * 127.0.0.1, for every list style, every action style, paging, long-running operations, 412
 * races, throttling with and without client-side pacing, and injected faults. Request shapes are
 * compared with the published ARM examples under test/fixtures/arm-examples/.
 *
 * Time is virtual: the client's sleep, random and clock are injected (a sleep advances the clock
 * and returns at once), and the two bursts drive the emulator's token buckets from the same
 * discrete-event clock, so their 429 counts are exact on any machine. Nothing waits on or asserts
 * wall time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions, type RequestLogEntry } from '../../emulator/arm-emulator.js';
import { generateWorld, loadWorld, type World } from '../../emulator/world.js';
import { createArmClient, PRIVATE_ENDPOINT_API_VERSION, RESOURCE_GRAPH_API_VERSION, type ArmClientOptions } from '../../src/arm/arm-client.js';
import { ArmError } from '../../src/arm/arm-error.js';
import { lookupResourceType, type ResourceTypeEntry } from '../../src/arm/resource-types.js';
import type { ArmClient, ArmConnection } from '../../src/arm/types.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { readFixture, type ArmExample } from '../support/fixtures.js';
import { steppingClock, type VirtualClock } from '../support/virtual-clock.js';

const TOKEN = 'integration-token';
const PROVIDER_SUB = '11111111-1111-4111-8111-111111111111';
const CONSUMER_SUB = '33333333-3333-4333-8333-333333333333';
/** A consumer subscription in another tenant: its endpoints answer 403. */
const FOREIGN_SUB = '55555555-5555-4555-8555-555555555555';
const UNKNOWN_SUB = '77777777-7777-4777-8777-777777777777';
const PROVIDER_TENANT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CONSUMER_TENANT = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const FOREIGN_TENANT = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

const RG = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-prov`;
const PLS = `${RG}/providers/Microsoft.Network/privateLinkServices/pls1`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/sto1`;
const KEYVAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
const COSMOS = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1`;
const RECOVERY = `${RG}/providers/Microsoft.RecoveryServices/vaults/rsv1`;
const BATCH = `${RG}/providers/Microsoft.Batch/batchAccounts/batch1`;
const STORE = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
const PLS_CONNECTIONS = 7;
const PAGE_SIZE = 3;

const pe = (name: string, sub = CONSUMER_SUB): string => `/subscriptions/${sub}/resourceGroups/rg-cons/providers/Microsoft.Network/privateEndpoints/${name}`;
const subnet = (sub = CONSUMER_SUB): string => `/subscriptions/${sub}/resourceGroups/rg-cons/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/snet1`;
const connectionId = (target: string, name: string): string => `${target}/privateEndpointConnections/${name}`;

function registry(type: string): ResourceTypeEntry {
  const entry = lookupResourceType(type);
  if (entry === undefined) throw new Error(`test setup: ${type} is not in the registry`);
  return entry;
}

const PLS_ENTRY = registry('Microsoft.Network/privateLinkServices');
const STORAGE_ENTRY = registry('Microsoft.Storage/storageAccounts');
const KEYVAULT_ENTRY = registry('Microsoft.KeyVault/vaults');
const COSMOS_ENTRY = registry('Microsoft.DocumentDB/databaseAccounts');
const RECOVERY_ENTRY = registry('Microsoft.RecoveryServices/vaults');
const BATCH_ENTRY = registry('Microsoft.Batch/batchAccounts');
const STORE_ENTRY = registry('Microsoft.HybridNetwork/publishers/artifactStores');

/** One provider of each list and action style, connections in every state, endpoints in two tenants. */
function integrationWorld(): World {
  return loadWorld({
    providers: [
      {
        id: PLS,
        type: 'Microsoft.Network/privateLinkServices',
        connections: Array.from({ length: PLS_CONNECTIONS }, (_, i) => ({
          name: `pls-c${i}`,
          privateEndpointId: pe(`pe-pls-${i}`),
          status: i === 5 ? 'Approved' : i === 6 ? 'Rejected' : 'Pending',
        })),
      },
      { id: STORAGE, type: 'Microsoft.Storage/storageAccounts', connections: [{ name: 'sto-c0', privateEndpointId: pe('pe-sto-0'), status: 'Pending' }] },
      { id: KEYVAULT, type: 'Microsoft.KeyVault/vaults', connections: [{ name: 'kv-c0', privateEndpointId: pe('pe-kv-0'), status: 'Pending' }] },
      {
        id: COSMOS,
        type: 'Microsoft.DocumentDB/databaseAccounts',
        asyncWrites: true,
        connections: [
          { name: 'cos-c0', privateEndpointId: pe('pe-cos-0'), status: 'Pending' },
          { name: 'cos-c1', privateEndpointId: pe('pe-cos-1'), status: 'Rejected', description: 'Rejected by owner' },
        ],
      },
      {
        id: RECOVERY,
        type: 'Microsoft.RecoveryServices/vaults',
        listStyle: 'parent-properties',
        connections: [
          { name: 'rsv-c0', privateEndpointId: pe('pe-rsv-0'), status: 'Pending' },
          { name: 'rsv-c1', privateEndpointId: pe('pe-rsv-1'), status: 'Approved' },
        ],
      },
      { id: BATCH, type: 'Microsoft.Batch/batchAccounts', connections: [{ name: 'batch-c0', privateEndpointId: pe('pe-batch-0'), status: 'Pending' }] },
      {
        id: STORE,
        type: 'Microsoft.HybridNetwork/publishers/artifactStores',
        asyncWrites: true,
        connections: [
          { name: 'st-c0', privateEndpointId: pe('pe-st-0'), status: 'Pending' },
          { name: 'st-c1', privateEndpointId: pe('pe-st-1'), status: 'Pending' },
          { name: 'st-c2', privateEndpointId: pe('pe-st-2'), status: 'Rejected' },
        ],
      },
    ],
    endpoints: [
      { id: pe('pe-pls-0'), subnetId: subnet(), ipAddresses: ['10.20.0.4'], connectsTo: [{ targetId: PLS, manual: false, requestMessage: 'CHG123456 batch' }] },
      { id: pe('pe-far', FOREIGN_SUB), subnetId: subnet(FOREIGN_SUB), ipAddresses: ['10.99.0.4'], readable: false, connectsTo: [{ targetId: PLS, manual: true, requestMessage: 'from afar' }] },
    ],
    tenants: { [PROVIDER_SUB]: PROVIDER_TENANT, [CONSUMER_SUB]: CONSUMER_TENANT, [FOREIGN_SUB]: FOREIGN_TENANT },
  });
}

const EPOCH = Date.parse('2025-01-01T00:00:00Z');

/**
 * A discrete-event clock for bursts: sleepers wake in order of their wake time, and time moves on
 * only when nothing is on the wire, i.e. when each of the `callers` has either finished
 * (`finished()` counts them from the emulator's log) or is asleep. So the emulator's buckets see
 * exactly the instants the client planned, whatever the machine's speed. Bounded: a stuck burst
 * rejects its sleepers instead of spinning forever.
 */
function scheduledClock(callers: number, finished: () => number): VirtualClock {
  let clock = EPOCH;
  const sleeps: number[] = [];
  const sleepers: Array<{ wake: number; resolve: () => void; reject: (error: Error) => void }> = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      for (let spin = 0; sleepers.length > 0; spin++) {
        if (spin > 2_000_000) {
          for (const s of sleepers.splice(0)) s.reject(new Error('scheduledClock: the burst never settled'));
          return;
        }
        if (finished() + sleepers.length === callers) {
          sleepers.sort((a, b) => a.wake - b.wake);
          clock = Math.max(clock, sleepers[0]?.wake ?? clock);
          const due = sleepers.filter((s) => s.wake <= clock);
          sleepers.splice(0, due.length);
          for (const s of due) s.resolve();
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      pumping = false;
    }
  };
  return {
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        sleepers.push({ wake: clock + ms, resolve, reject });
        void pump();
      });
    },
    sleeps,
  };
}

interface Pair {
  emulator: ArmEmulator;
  client: ArmClient;
  /** Every delay the client asked for (backoff, Retry-After, polling, pacing). */
  sleeps: number[];
}

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  // Clients first (they hold keep-alive sockets to the emulator), then the emulators.
  const all = opened.splice(0).reverse();
  for (const resource of all) await resource.close();
});

async function startEmulator(options: Partial<ArmEmulatorOptions> = {}): Promise<ArmEmulator> {
  const emulator = await startArmEmulator({ world: integrationWorld(), token: TOKEN, buckets: false, pageSize: PAGE_SIZE, ...options });
  opened.push(emulator);
  return emulator;
}

function clientFor(emulator: ArmEmulator, options: Partial<ArmClientOptions> = {}, clock: VirtualClock = steppingClock(EPOCH)): { client: ArmClient; sleeps: number[] } {
  const client = createArmClient({
    endpoint: emulator.url,
    credential: { token: TOKEN },
    logger: silentLogger(),
    pollIntervalMs: 5,
    timeoutMs: 5_000,
    random: () => 0.5,
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  });
  opened.push(client);
  return { client, sleeps: clock.sleeps };
}

async function start(emulatorOptions: Partial<ArmEmulatorOptions> = {}, clientOptions: Partial<ArmClientOptions> = {}): Promise<Pair> {
  const emulator = await startEmulator(emulatorOptions);
  return { emulator, ...clientFor(emulator, clientOptions) };
}

const samePath = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const requestsTo = (emulator: ArmEmulator, method: string, path: string): RequestLogEntry[] => emulator.requests.filter((r) => r.method === method && samePath(r.path, path));
const statusOf = (connection: ArmConnection | undefined): string | undefined => connection?.properties?.privateLinkServiceConnectionState?.status;
const worldConnection = (emulator: ArmEmulator, target: string, name: string) =>
  emulator.world.providers.find((p) => samePath(p.id, target))?.connections.find((c) => c.name === name);

async function read(client: ArmClient, id: string): Promise<ArmConnection> {
  const connection = await client.getConnection(id);
  if (connection === undefined) throw new Error(`test setup: ${id} not found`);
  return connection;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: unknown, ...keys: string[]): Record<string, unknown> {
  let current: unknown = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  if (!isRecord(current)) throw new Error(`expected an object at ${keys.join('.')}`);
  return current;
}

const sortedKeys = (value: Record<string, unknown>): string[] => Object.keys(value).sort();

/**
 * Compares a sent PUT body with a published example. `requestBody` is the example's request body,
 * `responseBody` its answer (which shows the full connection-state spelling, e.g. Storage's
 * `actionRequired`). The sent state must carry every key of the example's request state, and no
 * key that the example (request or answer) does not know, except the registry's actions-required
 * spelling; value types must match; `privateEndpoint.id` must be the connection's endpoint.
 */
function expectShapeLikeExample(sent: unknown, requestBody: unknown, responseBody: unknown, entry: ResourceTypeEntry, endpointId: string): void {
  const sentProperties = child(sent, 'properties');
  const exampleProperties = child(requestBody, 'properties');
  const answerProperties = child(responseBody, 'properties');
  // properties: every example request key is sent; nothing beyond the example's request and answer.
  for (const key of Object.keys(exampleProperties)) expect(sentProperties).toHaveProperty([key]);
  const knownProperties = new Set([...Object.keys(exampleProperties), ...Object.keys(answerProperties)]);
  for (const key of Object.keys(sentProperties)) expect(knownProperties, `properties.${key}`).toContain(key);

  const sentState = child(sentProperties, 'privateLinkServiceConnectionState');
  const exampleState = child(exampleProperties, 'privateLinkServiceConnectionState');
  const answerState = child(answerProperties, 'privateLinkServiceConnectionState');
  for (const key of Object.keys(exampleState)) {
    expect(sentState).toHaveProperty([key]);
    expect(typeof sentState[key], `state.${key}`).toBe(typeof exampleState[key]);
  }
  const actionsField = entry.actions === 'actionsRequired' || entry.actions === 'actionRequired' ? entry.actions : undefined;
  const knownState = new Set([...Object.keys(exampleState), ...Object.keys(answerState), ...(actionsField === undefined ? [] : [actionsField])]);
  for (const key of Object.keys(sentState)) expect(knownState, `state.${key}`).toContain(key);
  // If the example's answer spells the actions-required field, the client must spell it the same way.
  const answerSpelling = Object.keys(answerState).find((k) => k === 'actionsRequired' || k === 'actionRequired');
  if (answerSpelling !== undefined) expect(sentState).toHaveProperty([answerSpelling]);
  if (actionsField !== undefined) expect(typeof sentState[actionsField]).toBe('string');

  expect(sortedKeys(child(sentProperties, 'privateEndpoint'))).toEqual(sortedKeys(child(answerProperties, 'privateEndpoint')));
  expect(child(sentProperties, 'privateEndpoint')['id']).toBe(endpointId);
}

describe('listing every list style', () => {
  it('follows nextLink across pages of the child collection (pageSize 3, 7 connections)', async () => {
    const { emulator, client } = await start();
    const connections = await client.listConnections(PLS);
    expect(connections.map((c) => c.name)).toEqual(Array.from({ length: PLS_CONNECTIONS }, (_, i) => `pls-c${i}`));
    expect(connections.map(statusOf)).toEqual(['Pending', 'Pending', 'Pending', 'Pending', 'Pending', 'Approved', 'Rejected']);
    for (const c of connections) expect(c.etag).toMatch(/^W\/"/u);

    const pages = requestsTo(emulator, 'GET', `${PLS}/privateEndpointConnections`);
    expect(pages).toHaveLength(Math.ceil(PLS_CONNECTIONS / PAGE_SIZE));
    expect(pages.map((p) => new URLSearchParams(p.query).get('$skiptoken'))).toEqual([null, '3', '6']);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.apiVersion).toBe(PLS_ENTRY.apiVersion);
    }
  });

  it("reads a parent-properties type (RecoveryServices/vaults) from GET {target}, never the collection", async () => {
    expect(RECOVERY_ENTRY.list).toBe('parent-properties');
    const { emulator, client } = await start();
    const connections = await client.listConnections(RECOVERY);
    expect(connections.map((c) => [c.name, statusOf(c)])).toEqual([
      ['rsv-c0', 'Pending'],
      ['rsv-c1', 'Approved'],
    ]);
    expect(connections[0]?.id).toBe(connectionId(RECOVERY, 'rsv-c0'));
    const parentReads = requestsTo(emulator, 'GET', RECOVERY);
    expect(parentReads).toHaveLength(1);
    expect(parentReads[0]?.apiVersion).toBe(RECOVERY_ENTRY.apiVersion);
    expect(emulator.requests.filter((r) => r.path.toLowerCase().endsWith('/privateendpointconnections'))).toEqual([]);
    expect(emulator.requests).toHaveLength(1);
  });

  it('lists an AOSM artifact store with POST listPrivateEndPoints (live endpoints only)', async () => {
    expect(STORE_ENTRY.list).toBe('aosm-post');
    const { emulator, client } = await start();
    const connections = await client.listConnections(STORE);
    expect(connections.map((c) => c.properties?.privateEndpoint?.id)).toEqual([pe('pe-st-0'), pe('pe-st-1')]);
    expect(connections.map((c) => c.id)).toEqual([connectionId(STORE, 'pe-st-0'), connectionId(STORE, 'pe-st-1')]);
    const posts = requestsTo(emulator, 'POST', `${STORE}/listPrivateEndPoints`);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.status).toBe(200);
    expect(posts[0]?.apiVersion).toBe(STORE_ENTRY.apiVersion);
  });
});

describe('every action style', () => {
  it('approves and rejects a Private Link Service connection with PUT (200), If-Match of the etag read, body shaped like the published example', async () => {
    const { emulator, client } = await start();
    const example = readFixture<ArmExample>('arm-examples/PrivateLinkServiceUpdatePrivateEndpointConnection.json');
    const answer = readFixture<ArmExample>('arm-examples/PrivateLinkServiceGetPrivateEndpointConnection.json');
    const approveId = connectionId(PLS, 'pls-c0');
    const rejectId = connectionId(PLS, 'pls-c1');

    const before = await read(client, approveId);
    const approved = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'approved by policy' });
    expect(approved.httpStatus).toBe(200);
    expect(approved.armRequestId).toMatch(/^[0-9a-f-]{36}$/u);
    expect(statusOf(approved.connection)).toBe('Approved');
    expect(approved.connection?.properties?.privateLinkServiceConnectionState?.description).toBe('approved by policy');
    expect(approved.connection?.etag).not.toBe(before.etag);

    const toReject = await read(client, rejectId);
    const rejected = await client.setConnectionStatus({ connection: toReject, status: 'Rejected', description: 'not allowed' });
    expect(rejected.httpStatus).toBe(200);
    expect(statusOf(rejected.connection)).toBe('Rejected');
    expect(worldConnection(emulator, PLS, 'pls-c1')?.status).toBe('Rejected');

    const [put] = requestsTo(emulator, 'PUT', approveId);
    expect(put?.status).toBe(200);
    expect(put?.apiVersion).toBe(PLS_ENTRY.apiVersion);
    expect(new URLSearchParams(put?.query).get('api-version')).toBe(PLS_ENTRY.apiVersion);
    expect(put?.ifMatch).toBe(before.etag);
    expect(requestsTo(emulator, 'PUT', rejectId)[0]?.ifMatch).toBe(toReject.etag);
    expectShapeLikeExample(put?.body, child(example.parameters, 'parameters'), answer.responses['200']?.body, PLS_ENTRY, pe('pe-pls-0'));
    expect(child(put?.body, 'properties', 'privateLinkServiceConnectionState')).toEqual({ status: 'Approved', description: 'approved by policy', actionsRequired: 'None' });
    expect(emulator.stats().writesByConnection).toEqual({ [approveId.toLowerCase()]: 1, [rejectId.toLowerCase()]: 1 });
  });

  it("approves a Storage connection with Storage's actionRequired spelling, like StorageAccountPutPrivateEndpointConnection.json", async () => {
    expect(STORAGE_ENTRY.actions).toBe('actionRequired');
    const { emulator, client } = await start();
    const example = readFixture<ArmExample>('arm-examples/StorageAccountPutPrivateEndpointConnection.json');
    const id = connectionId(STORAGE, 'sto-c0');
    const before = await read(client, id);
    expect(before.properties?.privateLinkServiceConnectionState).toHaveProperty('actionRequired');

    const result = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'Auto-Approved' });
    expect(result.httpStatus).toBe(200);
    expect(statusOf(result.connection)).toBe('Approved');

    const [put] = requestsTo(emulator, 'PUT', id);
    expect(put?.apiVersion).toBe(STORAGE_ENTRY.apiVersion);
    expect(put?.ifMatch).toBe(before.etag);
    expectShapeLikeExample(put?.body, example.parameters['properties'], example.responses['200']?.body, STORAGE_ENTRY, pe('pe-sto-0'));
    expect(child(put?.body, 'properties', 'privateLinkServiceConnectionState')).not.toHaveProperty('actionsRequired');
  });

  it('approves a Key Vault connection with the fields of KeyVaultPutPrivateEndpointConnection.json', async () => {
    const { emulator, client } = await start();
    const example = readFixture<ArmExample>('arm-examples/KeyVaultPutPrivateEndpointConnection.json');
    const id = connectionId(KEYVAULT, 'kv-c0');
    const before = await read(client, id);
    const result = await client.setConnectionStatus({ connection: before, status: 'Approved', description: "My name is Joe and I'm approving this." });
    expect(result.httpStatus).toBe(200);
    expect(statusOf(result.connection)).toBe('Approved');

    const [put] = requestsTo(emulator, 'PUT', id);
    expect(put?.apiVersion).toBe(KEYVAULT_ENTRY.apiVersion);
    // The example carries the etag in the body; the client sends it as If-Match instead.
    expect(put?.ifMatch).toBe(before.etag);
    expectShapeLikeExample(put?.body, example.parameters['properties'], example.responses['200']?.body, KEYVAULT_ENTRY, pe('pe-kv-0'));
  });

  it('polls Azure-AsyncOperation of a 202 write (Cosmos DB) until Succeeded, honouring its Retry-After, then re-reads the new status', async () => {
    const { emulator, client, sleeps } = await start({ asyncPolls: 2, pollRetryAfterSeconds: 3 });
    const id = connectionId(COSMOS, 'cos-c0');
    const before = await read(client, id);
    const result = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'ok' });
    expect(result.httpStatus).toBe(202);
    expect(statusOf(result.connection)).toBe('Approved');
    expect(result.connection?.properties?.provisioningState).toBe('Succeeded');

    const put = requestsTo(emulator, 'PUT', id);
    expect(put.map((r) => r.status)).toEqual([202]);
    expect(put[0]?.apiVersion).toBe(COSMOS_ENTRY.apiVersion);
    const polls = emulator.requests.filter((r) => r.operation === 'poll');
    const statusPolls = polls.filter((r) => /\/operations\//iu.test(r.path));
    // Two InProgress answers, then Succeeded: three polls of the operation status, each after the server's Retry-After.
    expect(statusPolls).toHaveLength(3);
    for (const poll of polls) expect(poll.apiVersion).toBe(COSMOS_ENTRY.apiVersion);
    expect(sleeps).toEqual([3000, 3000, 3000]);
    // The final re-read comes after the operation ended.
    const last = emulator.requests.at(-1);
    expect(last?.method).toBe('GET');
    expect(samePath(last?.path ?? '', id)).toBe(true);
    expect(emulator.writesTo(id)).toBe(1);
  });

  it('approves and removes on an AOSM artifact store with POST approveprivateendpoints / removeprivateendpoints (202, polled)', async () => {
    expect(STORE_ENTRY.action).toBe('aosm-post');
    const { emulator, client } = await start();
    const [first, second] = await client.listConnections(STORE);
    if (first === undefined || second === undefined) throw new Error('test setup: two store endpoints expected');

    const approved = await client.setConnectionStatus({ connection: first, status: 'Approved', description: 'ignored by AOSM' });
    expect(approved.httpStatus).toBe(202);
    // Still listed (approved endpoints stay); the AOSM listing carries no per-endpoint state.
    expect(approved.connection?.properties?.privateEndpoint?.id).toBe(pe('pe-st-0'));
    expect(worldConnection(emulator, STORE, 'st-c0')?.status).toBe('Approved');

    const removed = await client.setConnectionStatus({ connection: second, status: 'Rejected', description: 'no' });
    expect(removed.httpStatus).toBe(202);
    // AOSM has no per-endpoint state to re-read: the client reports the decided status it carried out.
    expect(removed.connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Rejected');
    expect(worldConnection(emulator, STORE, 'st-c1')?.status).toBe('Rejected');

    const approve = requestsTo(emulator, 'POST', `${STORE}/approveprivateendpoints`);
    const remove = requestsTo(emulator, 'POST', `${STORE}/removeprivateendpoints`);
    expect(approve.map((r) => r.status)).toEqual([202]);
    expect(remove.map((r) => r.status)).toEqual([202]);
    expect(approve[0]?.body).toEqual({ manualPrivateEndPointConnections: [{ id: pe('pe-st-0') }] });
    expect(remove[0]?.body).toEqual({ manualPrivateEndPointConnections: [{ id: pe('pe-st-1') }] });
    expect(approve[0]?.apiVersion).toBe(STORE_ENTRY.apiVersion);
    expect(approve[0]?.ifMatch).toBeUndefined();
    expect(emulator.requests.filter((r) => r.operation === 'poll').length).toBeGreaterThanOrEqual(2);
    expect(emulator.stats().writes).toBe(2);
  });

  it("writes a Batch connection with the registry's PATCH action style", async () => {
    expect(BATCH_ENTRY.action).toBe('patch');
    const { emulator, client } = await start();
    const id = connectionId(BATCH, 'batch-c0');
    const before = await read(client, id);
    const result = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'ok' });
    // Batch's update is long-running in the spec (200 or 202, polled): pandora Batch/…/Operation-Update.
    expect(result.httpStatus).toBe(202);
    expect(BATCH_ENTRY.writes).toContain(result.httpStatus);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(statusOf(result.connection)).toBe('Approved');
    const [patch] = requestsTo(emulator, 'PATCH', id);
    expect(patch?.ifMatch).toBe(before.etag);
    expect(patch?.apiVersion).toBe(BATCH_ENTRY.apiVersion);
    expect(emulator.writesTo(id)).toBe(1);
  });
});

describe('refusals and races', () => {
  it('412: two writers with the same etag, one wins, the other gets a non-transient ArmError 412', async () => {
    const emulator = await startEmulator();
    const a = clientFor(emulator).client;
    const b = clientFor(emulator).client;
    const id = connectionId(PLS, 'pls-c2');
    const [readA, readB] = await Promise.all([read(a, id), read(b, id)]);
    expect(readA.etag).toBe(readB.etag);

    const outcomes = await Promise.allSettled([
      a.setConnectionStatus({ connection: readA, status: 'Approved', description: 'writer a' }),
      b.setConnectionStatus({ connection: readB, status: 'Rejected', description: 'writer b' }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error: unknown = lost[0]?.reason;
    expect(error).toBeInstanceOf(ArmError);
    expect((error as ArmError).httpStatus).toBe(412);
    expect((error as ArmError).transient).toBe(false);
    expect((error as ArmError).code).toBe('PreconditionFailed');

    const puts = requestsTo(emulator, 'PUT', id);
    expect(puts.map((r) => r.status).sort()).toEqual([200, 412]);
    for (const put of puts) expect(put.ifMatch).toBe(readA.etag);
    expect(emulator.writesTo(id)).toBe(1);
    expect(emulator.stats().preconditionFailed).toBe(1);
    // Re-reading shows the winner's decision and a new etag to decide again with.
    const after = await read(a, id);
    expect(after.etag).not.toBe(readA.etag);
    expect(statusOf(after)).toBe(worldConnection(emulator, PLS, 'pls-c2')?.status);
  });

  it('Rejected → Approved is refused with the Cosmos-style 400: not transient, not retried', async () => {
    const { emulator, client, sleeps } = await start();
    const id = connectionId(COSMOS, 'cos-c1');
    const before = await read(client, id);
    expect(statusOf(before)).toBe('Rejected');
    const failure = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'try' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ArmError);
    const error = failure as ArmError;
    expect(error.httpStatus).toBe(400);
    expect(error.transient).toBe(false);
    expect(error.code).toBe('BadRequest');
    expect(error.armMessage).toBe('Approving rejected private endpoint connections is not supported');
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/u);
    expect(error.message).not.toContain(TOKEN);
    expect(requestsTo(emulator, 'PUT', id)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(emulator.stats().refusedTransitions).toBe(1);
    expect(emulator.writesTo(id)).toBe(0);
    expect(worldConnection(emulator, COSMOS, 'cos-c1')?.status).toBe('Rejected');
  });
});

describe('endpoints and tenants', () => {
  it('reads a consumer endpoint; a cross-tenant 403 and a 404 are unreadable, not errors', async () => {
    const { emulator, client } = await start();
    const readable = await client.getPrivateEndpoint(pe('pe-pls-0'));
    expect(readable.readable).toBe(true);
    if (readable.readable) {
      expect(child(readable.endpoint, 'properties', 'subnet')['id']).toBe(subnet());
    }
    const foreign = await client.getPrivateEndpoint(pe('pe-far', FOREIGN_SUB));
    expect(foreign).toMatchObject({ readable: false, httpStatus: 403 });
    if (!foreign.readable) expect(foreign.reason).toContain('AuthorizationFailed');
    const missing = await client.getPrivateEndpoint(pe('pe-gone'));
    expect(missing).toMatchObject({ readable: false, httpStatus: 404 });

    const endpointReads = emulator.requests.filter((r) => r.operation === 'endpoint');
    expect(endpointReads.map((r) => r.status)).toEqual([200, 403, 404]);
    for (const r of endpointReads) expect(r.apiVersion).toBe(PRIVATE_ENDPOINT_API_VERSION);
  });

  it("finds a subscription's home tenant from the unauthenticated 401, once (cached); an unknown one is undefined", async () => {
    const { emulator, client } = await start();
    expect(await client.homeTenantOf(FOREIGN_SUB)).toBe(FOREIGN_TENANT);
    expect(await client.homeTenantOf(FOREIGN_SUB.toUpperCase())).toBe(FOREIGN_TENANT);
    expect(await client.homeTenantOf(PROVIDER_SUB)).toBe(PROVIDER_TENANT);
    expect(await client.homeTenantOf(UNKNOWN_SUB)).toBeUndefined();
    const probes = emulator.requests.filter((r) => r.operation === 'tenant');
    expect(probes.map((r) => [r.path, r.status])).toEqual([
      [`/subscriptions/${FOREIGN_SUB}`, 401],
      [`/subscriptions/${PROVIDER_SUB}`, 401],
      [`/subscriptions/${UNKNOWN_SUB}`, 404],
    ]);
  });
});

describe('Resource Graph', () => {
  it('follows $skipToken across pages', async () => {
    const world = generateWorld({ targets: 7, connectionsPerTarget: 2, seed: 7 });
    const emulator = await startArmEmulator({ world, token: TOKEN, buckets: false });
    opened.push(emulator);
    const { client } = clientFor(emulator);
    const rows: Record<string, unknown>[] = [];
    for await (const row of client.queryResourceGraph({ query: 'resources | where isnotempty(properties.privateEndpointConnections)', pageSize: 3 })) rows.push(row);
    expect(rows.map((r) => r['id'])).toEqual(world.providers.map((p) => p.id));
    for (const row of rows) expect(row['privateEndpointConnections']).toHaveLength(2);

    const queries = emulator.requests.filter((r) => r.operation === 'graph');
    expect(queries).toHaveLength(3);
    for (const q of queries) {
      expect(q.method).toBe('POST');
      expect(q.apiVersion).toBe(RESOURCE_GRAPH_API_VERSION);
      expect(child(q.body, 'options')['$top']).toBe(3);
    }
    const tokens = queries.map((q) => child(q.body, 'options')['$skipToken']);
    expect(tokens[0]).toBeUndefined();
    expect(typeof tokens[1]).toBe('string');
    expect(typeof tokens[2]).toBe('string');
    expect(tokens[1]).not.toBe(tokens[2]);
  });
});

describe("Resource Graph's query quota", () => {
  // A scaled-down quota (3 queries per 5 s window) over 7 one-row pages: the client must wait out
  // the window twice. Client and emulator share a virtual clock, so nothing waits on the wall.
  async function pagesWith(pacing: boolean): Promise<{ emulator: ArmEmulator; rows: number; sleeps: number[] }> {
    const clock = steppingClock(EPOCH);
    const world = generateWorld({ targets: 7, connectionsPerTarget: 1, seed: 3 });
    const emulator = await startArmEmulator({ world, token: TOKEN, buckets: false, graphQuota: { queries: 3, windowSeconds: 5 }, now: clock.now });
    opened.push(emulator);
    const { client, sleeps } = clientFor(emulator, { pacing }, clock);
    let rows = 0;
    for await (const row of client.queryResourceGraph({ query: 'resources', pageSize: 1 })) if (typeof row['id'] === 'string') rows++;
    return { emulator, rows, sleeps };
  }

  it('reads x-ms-user-quota-* and waits out a spent window instead of drawing 429s', async () => {
    const { emulator, rows, sleeps } = await pagesWith(true);
    expect(rows).toBe(7);
    const answers = emulator.requests.filter((r) => r.operation === 'graph');
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(sleeps).toEqual([5_000, 5_000]);
  });

  it('without pacing the same pages draw 429 RateLimiting (the peer that shows the wait matters)', async () => {
    const { emulator, rows } = await pagesWith(false);
    expect(rows).toBe(7);
    expect(emulator.requests.filter((r) => r.operation === 'graph' && r.status === 429).length).toBeGreaterThan(0);
  });
});

describe('throttling', () => {
  const BURST = 300;
  const READS = { burst: 50, perSecond: 500 };
  const WRITES = { burst: 50, perSecond: 500 };
  const id = connectionId(PLS, 'pls-c3');

  async function burst(pacing: boolean): Promise<{ emulator: ArmEmulator; clock: VirtualClock; results: Array<ArmConnection | undefined> }> {
    // The clock counts finished callers in the emulator's log; the emulator runs on the clock.
    const started: { emulator?: ArmEmulator } = {};
    const clock = scheduledClock(BURST, () => (started.emulator === undefined ? 0 : requestsTo(started.emulator, 'GET', id).filter((r) => r.status === 200).length));
    const emulator = await startEmulator({ buckets: { reads: READS, writes: WRITES }, now: clock.now });
    started.emulator = emulator;
    const { client } = clientFor(emulator, { pacing, maxAttempts: 10, buckets: { reads: READS, writes: WRITES } }, clock);
    const results = await Promise.all(Array.from({ length: BURST }, () => client.getConnection(id)));
    return { emulator, clock, results };
  }

  it('a paced burst of 300 reads on one subscription meets no 429 (client buckets = emulator buckets)', async () => {
    const { emulator, clock, results } = await burst(true);
    expect(results.every((c) => c?.name === 'pls-c3')).toBe(true);
    expect(emulator.stats().throttled).toBe(0);
    const gets = requestsTo(emulator, 'GET', id);
    expect(gets).toHaveLength(BURST);
    expect(gets.every((r) => r.status === 200)).toBe(true);
    // Everyone past the burst waited for a token: 250 callers, at least one sleep each.
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(BURST - READS.burst);
    // Virtual time (not wall time): the burst cannot end before the buckets' lower bound.
    expect(clock.now() - EPOCH).toBeGreaterThanOrEqual(((BURST - READS.burst) / READS.perSecond) * 1000);
  });

  it('the same burst without pacing collects 429s, each retried after its Retry-After, until every read succeeds', async () => {
    const { emulator, clock, results } = await burst(false);
    expect(results.every((c) => c?.name === 'pls-c3')).toBe(true);
    const stats = emulator.stats();
    const gets = requestsTo(emulator, 'GET', id);
    // Rounds of one Retry-After (1 s) each refill the 50-token bucket: 250 + 200 + 150 + 100 + 50 throttled.
    expect(stats.throttled).toBe(750);
    expect(gets.filter((r) => r.status === 429)).toHaveLength(750);
    expect(gets.filter((r) => r.status === 200)).toHaveLength(BURST);
    expect(gets).toHaveLength(BURST + 750);
    // Every 429 was retried after the server's Retry-After, not a jittered backoff.
    expect(clock.sleeps).toHaveLength(750);
    expect(new Set(clock.sleeps)).toEqual(new Set([1000]));
    expect(clock.now() - EPOCH).toBe(5000);
  });
});

describe('injected faults', () => {
  it('503 on a write is retried with backoff; exactly one effective write', async () => {
    const { emulator, client, sleeps } = await start({ faults: [{ match: { operation: 'write' }, fault: { kind: 'status', status: 503 }, times: 1 }] });
    const id = connectionId(PLS, 'pls-c4');
    const before = await read(client, id);
    const result = await client.setConnectionStatus({ connection: before, status: 'Approved', description: 'after a 503' });
    expect(result.httpStatus).toBe(200);
    expect(statusOf(result.connection)).toBe('Approved');
    const puts = requestsTo(emulator, 'PUT', id);
    expect(puts.map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [200, undefined],
    ]);
    expect(puts[1]?.ifMatch).toBe(before.etag);
    expect(emulator.stats().writesByConnection).toEqual({ [id.toLowerCase()]: 1 });
    expect(emulator.stats().faultsInjected).toBe(1);
    // Full jitter with random() = 0.5 on the first retry: floor(0.5 × 500 ms); then the polls of
    // the Azure-AsyncOperation a PLS write answers with (DESIGN §9).
    expect(sleeps[0]).toBe(250);
    expect(sleeps.slice(1).every((ms) => ms !== 250)).toBe(true);
  });

  it('a connection reset on a list is retried', async () => {
    const { emulator, client, sleeps } = await start({ faults: [{ match: { operation: 'list' }, fault: { kind: 'reset' }, times: 1 }] });
    const connections = await client.listConnections(PLS);
    expect(connections).toHaveLength(PLS_CONNECTIONS);
    const pages = requestsTo(emulator, 'GET', `${PLS}/privateEndpointConnections`);
    expect(pages.map((r) => r.fault ?? r.status)).toEqual(['reset', 200, 200, 200]);
    expect(sleeps).toHaveLength(1);
  });

  it('429 with Retry-After is honoured: the client asks to sleep exactly that long, then succeeds', async () => {
    const { emulator, client, sleeps } = await start({ faults: [{ match: { operation: 'get' }, fault: { kind: 'status', status: 429, retryAfter: 7 }, times: 1 }] });
    const id = connectionId(PLS, 'pls-c5');
    const connection = await client.getConnection(id);
    expect(statusOf(connection)).toBe('Approved');
    expect(requestsTo(emulator, 'GET', id).map((r) => r.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([7000]);
  });
});
