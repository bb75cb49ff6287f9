/**
 * Writes that finish the way Azure finishes them (DESIGN §9), through the real client against the
 * emulator: Key Vault's Azure-AsyncOperation URL is the connection itself; Web/sites reads
 * Approving for a while; Azure Monitor private link scopes and AOSM poll Location at a status
 * resource; a PLS PUT is 200 + Azure-AsyncOperation + Updating; PostgreSQL flexible answers a bare
 * 202; SQL's provisioningState goes Approving → Ready. Bounds are counts of polls, never wall time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../emulator/arm-emulator.js';
import { loadWorld } from '../../emulator/world.js';
import { createArmClient, type ArmClientOptions } from '../../src/arm/arm-client.js';
import { lookupResourceType } from '../../src/arm/resource-types.js';
import type { ArmClient, ArmConnection } from '../../src/arm/types.js';
import { silentLogger } from '../../src/log/create-logger.js';

const SUB = '11111111-1111-4111-8111-111111111111';
const CONSUMER = '33333333-3333-4333-8333-333333333333';
const TOKEN = 'styles-token';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const target = (typeAndName: string): string => `${RG}/providers/${typeAndName}`;
const endpoint = (name: string): string => `/subscriptions/${CONSUMER}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/${name}`;

const TARGETS = {
  keyVault: { id: target('Microsoft.KeyVault/vaults/kv1'), type: 'Microsoft.KeyVault/vaults' },
  web: { id: target('Microsoft.Web/sites/app1'), type: 'Microsoft.Web/sites' },
  apim: { id: target('Microsoft.ApiManagement/service/apim1'), type: 'Microsoft.ApiManagement/service' },
  monitor: { id: target('Microsoft.Insights/privateLinkScopes/ampls1'), type: 'Microsoft.Insights/privateLinkScopes' },
  pls: { id: target('Microsoft.Network/privateLinkServices/pls1'), type: 'Microsoft.Network/privateLinkServices' },
  postgres: { id: target('Microsoft.DBforPostgreSQL/flexibleServers/pg1'), type: 'Microsoft.DBforPostgreSQL/flexibleServers' },
  sql: { id: target('Microsoft.Sql/servers/sql1'), type: 'Microsoft.Sql/servers' },
  store: { id: target('Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1'), type: 'Microsoft.HybridNetwork/publishers/artifactStores' },
};
type Key = keyof typeof TARGETS;

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const resource of opened.splice(0)) await resource.close();
});

async function start(emulatorOptions: Partial<ArmEmulatorOptions> = {}, clientOptions: Partial<ArmClientOptions> = {}): Promise<{ emulator: ArmEmulator; client: ArmClient }> {
  const world = loadWorld({
    providers: Object.entries(TARGETS).map(([key, { id, type }]) => ({
      id,
      type,
      connections: [0, 1].map((n) => ({ name: `${key}-${n}`, privateEndpointId: endpoint(`pe-${key}-${n}`), status: 'Pending', description: 'please' })),
    })),
    endpoints: [],
    tenants: {},
  });
  const emulator = await startArmEmulator({ world, token: TOKEN, buckets: false, ...emulatorOptions });
  const client = createArmClient({ endpoint: emulator.url, credential: { token: TOKEN }, logger: silentLogger(), pacing: false, pollIntervalMs: 0, sleep: async () => {}, ...clientOptions });
  opened.push(emulator, client);
  return { emulator, client };
}

const connectionId = (key: Key, n = 0): string => `${TARGETS[key].id}/privateEndpointConnections/${key}-${n}`;
const statusOf = (connection: ArmConnection | undefined): string | undefined => connection?.properties?.privateLinkServiceConnectionState?.status;

async function approve(client: ArmClient, key: Key, n = 0) {
  const connection = (await client.getConnection(connectionId(key, n))) as ArmConnection;
  return client.setConnectionStatus({ connection, status: 'Approved', description: 'ok' });
}

/** The requests after the write, as "METHOD last-path-segment-kind". */
function afterWrite(emulator: ArmEmulator, id: string): string[] {
  const index = emulator.requests.findIndex((r) => r.method !== 'GET' && r.path.toLowerCase().startsWith(id.toLowerCase().split('/privateEndpointConnections/')[0] ?? ''));
  return emulator.requests.slice(index + 1).map((r) => `${r.method} ${r.path.toLowerCase() === id.toLowerCase() ? 'connection' : /\/operations\//u.test(r.path) ? 'operation' : r.path.split('/').pop()}`);
}

describe('Key Vault: the Azure-AsyncOperation URL is the connection itself', () => {
  it('polls the connection until provisioningState Succeeded and completes the approval', async () => {
    const { emulator, client } = await start({ asyncPolls: 3 });
    expect(lookupResourceType(TARGETS.keyVault.type)?.lro).toBe('connection-url');
    const result = await approve(client, 'keyVault');
    const put = emulator.requests.find((r) => r.method === 'PUT');
    expect(put?.status).toBe(200);
    expect(put?.ifMatch).toMatch(/^W\/"/u);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(statusOf(result.connection)).toBe('Approved');
    expect(result.connection?.properties?.provisioningState).toBe('Succeeded');
    // Three Updating reads at the connection URL, then Succeeded: no operation resource anywhere.
    expect(afterWrite(emulator, connectionId('keyVault'))).toEqual(['GET connection', 'GET connection', 'GET connection', 'GET connection', 'GET connection']);
  });
});

describe('Web/sites and API Management read Approving for a while', () => {
  it('a Web/sites approval that reads Approving for several reads ends succeeded', async () => {
    const { emulator, client } = await start({ transitionalReads: 5 });
    const result = await approve(client, 'web');
    expect(result.httpStatus).toBe(202);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(statusOf(result.connection)).toBe('Approved');
    expect(afterWrite(emulator, connectionId('web')).filter((r) => r === 'GET connection').length).toBe(6);
  });

  it('still Approving after the bounded wait is in progress, never failed, and the write is not repeated', async () => {
    const { emulator, client } = await start({ transitionalReads: 50 }, { maxPolls: 4 });
    const result = await approve(client, 'apim');
    expect(result.outcome.kind).toBe('in-progress');
    expect(statusOf(result.connection)).toBe('Approving');
    expect(emulator.writesTo(connectionId('apim'))).toBe(1);
  });
});

describe('Location at an operation-status resource (Azure Monitor private link scopes, AOSM)', () => {
  it('reads the status body of each 200 until Succeeded', async () => {
    const { emulator, client } = await start({ asyncPolls: 2 });
    const result = await approve(client, 'monitor');
    const put = emulator.requests.find((r) => r.method === 'PUT');
    expect(put?.status).toBe(202);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    // Two InProgress bodies and a Succeeded one, each a 200; then the connection is read.
    const polls = emulator.requests.filter((r) => r.operation === 'poll');
    expect(polls.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(afterWrite(emulator, connectionId('monitor'))).toEqual(['GET operation', 'GET operation', 'GET operation', 'GET connection']);
  });

  it('confirms an AOSM approval by listing the store endpoints afterwards, and a removal by its absence', async () => {
    const { emulator, client } = await start({ asyncPolls: 1 });
    const [first, second] = await client.listConnections(TARGETS.store.id);
    const approved = await client.setConnectionStatus({ connection: first as ArmConnection, status: 'Approved', description: 'ok' });
    expect(approved.outcome).toEqual({ kind: 'succeeded' });
    const removed = await client.setConnectionStatus({ connection: second as ArmConnection, status: 'Rejected', description: 'no' });
    expect(removed.outcome).toEqual({ kind: 'succeeded' });
    const posts = emulator.requests.filter((r) => r.method === 'POST').map((r) => `${r.path.split('/').pop()} ${r.status}`);
    expect(posts).toEqual(['listPrivateEndPoints 200', 'approveprivateendpoints 202', 'listPrivateEndPoints 200', 'removeprivateendpoints 202', 'listPrivateEndPoints 200']);
    // Each action was polled through Location alone.
    const aosmWrites = emulator.requests.filter((r) => r.operation === 'write');
    expect(aosmWrites).toHaveLength(2);
  });
});

describe('other long-running styles from the specs', () => {
  it('Private Link Service: 200 with Azure-AsyncOperation and provisioningState Updating is polled (DESIGN §9)', async () => {
    const { emulator, client } = await start();
    const result = await approve(client, 'pls');
    const put = emulator.requests.find((r) => r.method === 'PUT');
    expect(put?.status).toBe(200);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(afterWrite(emulator, connectionId('pls'))).toEqual(['GET operation', 'GET operation', 'GET connection']);
  });

  it('PostgreSQL flexible servers answer a bare 202 (2025-08-01 lists only 202)', async () => {
    const { emulator, client } = await start();
    expect(lookupResourceType(TARGETS.postgres.type)?.writes).toEqual([202]);
    const result = await approve(client, 'postgres');
    const put = emulator.requests.find((r) => r.method === 'PUT');
    expect(put?.status).toBe(202);
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(statusOf(result.connection)).toBe('Approved');
  });

  it('SQL: provisioningState Approving, then Ready, is success', async () => {
    const { client } = await start({ transitionalReads: 3 });
    const result = await approve(client, 'sql');
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(result.connection?.properties?.provisioningState).toBe('Ready');
  });
});
