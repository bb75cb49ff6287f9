/**
 * Every type in the resource-type table, approved and rejected through the real ARM client
 * against the emulator behaving as that type's spec says (emulator/type-behaviour.ts): the
 * request is checked field by field (method, api-version, If-Match only where the type's
 * connections carry etags, privateEndpoint only where writable, the actions field spelled as the
 * type spells it or absent), and each write must end `succeeded` with one write per connection,
 * whatever the type's long-running style. Time is virtual: sleeps return at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type RequestLogEntry } from '../../emulator/arm-emulator.js';
import { loadWorld } from '../../emulator/world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import { RESOURCE_TYPE_LIST, type ResourceTypeEntry } from '../../src/arm/resource-types.js';
import type { ArmClient, ArmConnection } from '../../src/arm/types.js';
import { silentLogger } from '../../src/log/create-logger.js';

const PROVIDER_SUB = '11111111-1111-4111-8111-111111111111';
const CONSUMER_SUB = '33333333-3333-4333-8333-333333333333';
const TOKEN = 'every-type-token';

/** The PUT/PATCH types (AOSM's POST actions and the unapprovable ones are tested on their own). */
const WRITABLE = RESOURCE_TYPE_LIST.filter((entry) => entry.action === 'put' || entry.action === 'patch');

function targetIdOf(entry: ResourceTypeEntry, index: number): string {
  const [namespace, ...types] = entry.type.split('/');
  return `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-${index}/providers/${namespace}/${types.map((t, i) => `${t}/n${index}x${i}`).join('/')}`;
}
const endpointId = (name: string): string => `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/${name}`;

let emulator: ArmEmulator;
let client: ArmClient;

beforeAll(async () => {
  const world = loadWorld({
    providers: WRITABLE.map((entry, index) => ({
      id: targetIdOf(entry, index),
      type: entry.type,
      ...(entry.list === 'parent-properties' ? { listStyle: 'parent-properties' } : {}),
      connections: ['approve', 'reject'].map((verb) => ({ name: `${verb}-${index}`, privateEndpointId: endpointId(`pe-${verb}-${index}`), status: 'Pending', description: 'please' })),
    })),
    endpoints: [],
    tenants: {},
  });
  emulator = await startArmEmulator({ world, token: TOKEN, buckets: false, asyncPolls: 2, transitionalReads: 2 });
  client = createArmClient({ endpoint: emulator.url, credential: { token: TOKEN }, logger: silentLogger(), pacing: false, pollIntervalMs: 0, sleep: async () => {}, random: () => 0.5 });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

const writesTo = (id: string): RequestLogEntry[] => emulator.requests.filter((r) => (r.method === 'PUT' || r.method === 'PATCH') && r.path.toLowerCase() === id.toLowerCase());

function stateOf(body: unknown): Record<string, unknown> {
  const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return (properties['privateLinkServiceConnectionState'] ?? {}) as Record<string, unknown>;
}

/** The state fields a write to this type must carry, and nothing else. */
function expectedStateKeys(entry: ResourceTypeEntry): string[] {
  const keys = ['status'];
  if (entry.description) keys.push('description');
  if (entry.actions === 'actionsRequired' || entry.actions === 'actionRequired') keys.push(entry.actions);
  return keys.sort();
}

describe.each(WRITABLE.map((entry, index) => ({ entry, index, type: entry.type })))('$type', ({ entry, index }) => {
  it.each([
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const)('%s: the request carries exactly the fields the spec accepts and the write ends succeeded', async (verb, status) => {
    const id = `${targetIdOf(entry, index)}/privateEndpointConnections/${verb}-${index}`;
    const before = (await client.getConnection(id)) as ArmConnection;
    expect(before.id).toBe(id);
    // The answer spells the actions field as the type does, or has none; an etag only where the spec has one.
    const answeredState = stateOf(before);
    if (entry.actions === 'none') expect(Object.keys(answeredState).filter((k) => /^actions?Required$/u.test(k))).toEqual([]);
    else expect(answeredState).toHaveProperty(entry.actions === 'actionRequired' ? 'actionRequired' : 'actionsRequired');
    expect(before.etag !== undefined).toBe(entry.etag);

    const result = await client.setConnectionStatus({ connection: before, status, description: `${verb}d by policy` });
    expect(result.outcome).toEqual({ kind: 'succeeded' });
    expect(result.connection?.properties?.privateLinkServiceConnectionState?.status).toBe(status);
    expect(entry.writes).toContain(result.httpStatus);

    const sent = writesTo(id);
    expect(sent).toHaveLength(1);
    const [request] = sent as [RequestLogEntry];
    expect(request.method).toBe(entry.action === 'patch' ? 'PATCH' : 'PUT');
    expect(request.apiVersion).toBe(entry.apiVersion);
    if (entry.etag) expect(request.ifMatch).toBe(before.etag);
    else expect(request.ifMatch).toBeUndefined();
    const properties = (request.body as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(request.body as object)).toEqual(['properties']);
    expect(Object.keys(properties).sort()).toEqual(entry.privateEndpoint ? ['privateEndpoint', 'privateLinkServiceConnectionState'] : ['privateLinkServiceConnectionState']);
    if (entry.privateEndpoint) expect(properties['privateEndpoint']).toEqual({ id: endpointId(`pe-${verb}-${index}`) });
    const state = stateOf(request.body);
    expect(Object.keys(state).sort()).toEqual(expectedStateKeys(entry));
    expect(state['status']).toBe(status);
    if (entry.description) expect(state['description']).toBe(`${verb}d by policy`);
    if (entry.actions === 'actionsRequired' || entry.actions === 'actionRequired') expect(state[entry.actions]).toBe('None');
    expect(emulator.writesTo(id)).toBe(1);
  });
});

describe('the table-driven expectations agree with what the specs say of named types', () => {
  const byType = new Map(RESOURCE_TYPE_LIST.map((entry) => [entry.type, entry]));
  it.each(['Microsoft.EventHub/namespaces', 'Microsoft.ServiceBus/namespaces', 'Microsoft.Relay/namespaces', 'Microsoft.ContainerService/managedClusters'])('%s has no actions field', (type) => {
    expect(expectedStateKeys(byType.get(type) as ResourceTypeEntry)).toEqual(['description', 'status']);
  });
  it('Storage spells actionRequired; SQL owns actionsRequired; Notification Hubs owns both actionsRequired and the description', () => {
    expect(expectedStateKeys(byType.get('Microsoft.Storage/storageAccounts') as ResourceTypeEntry)).toEqual(['actionRequired', 'description', 'status']);
    expect(expectedStateKeys(byType.get('Microsoft.Sql/servers') as ResourceTypeEntry)).toEqual(['description', 'status']);
    expect(expectedStateKeys(byType.get('Microsoft.NotificationHubs/namespaces') as ResourceTypeEntry)).toEqual(['status']);
  });
  it('only Network PLS/AppGW, Key Vault, Cognitive Services, Data Factory, Batch and Cloud HSM connections carry etags', () => {
    expect(RESOURCE_TYPE_LIST.filter((entry) => entry.etag).map((entry) => entry.type).sort()).toEqual([
      'Microsoft.Batch/batchAccounts',
      'Microsoft.CognitiveServices/accounts',
      'Microsoft.DataFactory/factories',
      'Microsoft.HardwareSecurityModules/cloudHsmClusters',
      'Microsoft.KeyVault/managedHSMs',
      'Microsoft.KeyVault/vaults',
      'Microsoft.Network/applicationGateways',
      'Microsoft.Network/privateLinkServices',
    ]);
  });
});
