import { describe, expect, it } from 'vitest';
import { InvalidArmIdError } from '../../src/arm/arm-error.js';
import { lookupResourceType, RESOURCE_TYPE_LIST, RESOURCE_TYPES, resourceTypeOf, UnknownResourceTypeError } from '../../src/arm/resource-types.js';
import { LinkgateError } from '../../src/errors/linkgate-error.js';

/** The types issue 3 and DESIGN §5 require (what `az network private-endpoint-connection` covers, plus AOSM). */
const REQUIRED = [
  'Microsoft.Network/privateLinkServices',
  'Microsoft.Storage/storageAccounts',
  'Microsoft.KeyVault/vaults',
  'Microsoft.KeyVault/managedHSMs',
  'Microsoft.Sql/servers',
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.ContainerRegistry/registries',
  'Microsoft.Web/sites',
  'Microsoft.CognitiveServices/accounts',
  'Microsoft.MachineLearningServices/workspaces',
  'Microsoft.EventHub/namespaces',
  'Microsoft.ServiceBus/namespaces',
  'Microsoft.Search/searchServices',
  'Microsoft.SignalRService/signalR',
  'Microsoft.SignalRService/webPubSub',
  'Microsoft.AppConfiguration/configurationStores',
  'Microsoft.Cache/redis',
  'Microsoft.Synapse/workspaces',
  'Microsoft.DataFactory/factories',
  'Microsoft.Databricks/workspaces',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.DBforMySQL/flexibleServers',
  'Microsoft.ApiManagement/service',
  'Microsoft.Batch/batchAccounts',
  'Microsoft.RecoveryServices/vaults',
  'Microsoft.Kusto/clusters',
  'Microsoft.EventGrid/topics',
  'Microsoft.EventGrid/domains',
  'Microsoft.Devices/IotHubs',
  'Microsoft.HybridNetwork/publishers/artifactStores',
];

const DATED = /^(\d{4})-(\d{2})-(\d{2})$/u;
const SUB = '00000000-0000-0000-0000-000000000000';

function idOf(type: string): string {
  const [namespace, ...types] = type.split('/');
  return `/subscriptions/${SUB}/resourceGroups/rg/providers/${namespace}/${types.map((t, i) => `${t}/name${i}`).join('/')}`;
}

describe('resource-type registry', () => {
  it.each(REQUIRED)('has a dated, stable api-version for %s', (type) => {
    const entry = lookupResourceType(type);
    if (entry === undefined) throw new Error(`${type} is missing from the registry`);
    const match = DATED.exec(entry.apiVersion);
    if (match === null) throw new Error(`${type} has no dated api-version: ${entry.apiVersion}`);
    const [, year, month, day] = match.map(Number);
    expect(year).toBeGreaterThanOrEqual(2018);
    expect(month).toBeGreaterThanOrEqual(1);
    expect(month).toBeLessThanOrEqual(12);
    expect(day).toBeGreaterThanOrEqual(1);
    expect(day).toBeLessThanOrEqual(31);
    expect(resourceTypeOf(idOf(type))).toBe(entry);
  });

  it('uses Network 2025-09-01 for Private Link Services and the AOSM POST actions for artifact stores', () => {
    expect(RESOURCE_TYPES.get('microsoft.network/privatelinkservices')).toMatchObject({ apiVersion: '2025-09-01', list: 'collection', action: 'put', etag: true });
    expect(RESOURCE_TYPES.get('microsoft.hybridnetwork/publishers/artifactstores')).toMatchObject({ apiVersion: '2024-04-15', list: 'aosm-post', action: 'aosm-post' });
  });

  it('keys the table by the lower-case type, one entry per type', () => {
    expect(RESOURCE_TYPES.size).toBe(RESOURCE_TYPE_LIST.length);
    for (const entry of RESOURCE_TYPE_LIST) expect(RESOURCE_TYPES.get(entry.type.toLowerCase())).toBe(entry);
  });

  it('knows that Storage spells actionRequired', () => {
    expect(lookupResourceType('Microsoft.Storage/storageAccounts')?.actions).toBe('actionRequired');
    expect(lookupResourceType('Microsoft.KeyVault/vaults')?.actions).toBe('actionsRequired');
  });

  it('looks types up case-insensitively', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.network/PRIVATELINKSERVICES/pls`;
    expect(resourceTypeOf(id).type).toBe('Microsoft.Network/privateLinkServices');
  });

  it('names an unknown type and where to add it', () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Contoso.Widgets/gadgets/g1`;
    let caught: unknown;
    try {
      resourceTypeOf(id);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownResourceTypeError);
    expect(caught).toBeInstanceOf(LinkgateError);
    const error = caught as UnknownResourceTypeError;
    expect(error.message).toContain('Contoso.Widgets/gadgets');
    expect(error.hint).toContain('add it to src/arm/resource-type-data.ts');
  });

  it('refuses junk and non-resource IDs with a typed error', () => {
    expect(() => resourceTypeOf('/subscriptions/x/../y')).toThrow(InvalidArmIdError);
    expect(() => resourceTypeOf(`/subscriptions/${SUB}/resourceGroups/rg`)).toThrow(InvalidArmIdError);
  });
});
