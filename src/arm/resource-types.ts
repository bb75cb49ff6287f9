/**
 * The one table of provider resource types linkgate can govern: for each, the api-version to
 * call, how its private endpoint connections are listed, and how a decision is written. It covers
 * what the Azure CLI's generic `az network private-endpoint-connection` covers (its
 * `register_providers` table), with current stable (dated, non-preview) api-versions, plus AOSM
 * artifact stores. A type missing here is refused with a clear error rather than guessed at.
 */
import { parseArmId, typeKey } from '../ids/arm-id.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import { InvalidArmIdError } from './arm-error.js';

/**
 * - `collection`: `GET {target}/privateEndpointConnections` (paged by nextLink; IoT Hub answers a bare array).
 * - `parent-properties`: `GET {target}` → `properties.privateEndpointConnections`.
 * - `aosm-post`: `POST {store}/listPrivateEndPoints` (AOSM artifact stores only).
 */
export type ListStyle = 'collection' | 'parent-properties' | 'aosm-post';

/**
 * - `put`: `PUT {connectionId}` with the whole connection state (most types).
 * - `patch`: `PATCH {connectionId}` (Batch only accepts an update, not a PUT).
 * - `aosm-post`: `POST {store}/approveprivateendpoints|removeprivateendpoints`.
 */
export type ActionStyle = 'put' | 'patch' | 'aosm-post';

export interface ResourceTypeEntry {
  /** Provider namespace and type as Azure spells it, e.g. `Microsoft.Network/privateLinkServices`. */
  type: string;
  /** Dated api-version (YYYY-MM-DD), stable unless the type has only previews. */
  apiVersion: string;
  list: ListStyle;
  action: ActionStyle;
  /** Storage spells `actionRequired`; everyone else `actionsRequired`. */
  actionsRequiredField: 'actionsRequired' | 'actionRequired';
}

function entry(type: string, apiVersion: string, list: ListStyle = 'collection', action: ActionStyle = 'put', actionsRequiredField: ResourceTypeEntry['actionsRequiredField'] = 'actionsRequired'): ResourceTypeEntry {
  return { type, apiVersion, list, action, actionsRequiredField };
}

/** Every governed type, in the order the docs list them. */
export const RESOURCE_TYPE_LIST: readonly ResourceTypeEntry[] = Object.freeze([
  entry('Microsoft.Network/privateLinkServices', '2024-05-01'),
  entry('Microsoft.Network/applicationGateways', '2024-05-01'),
  entry('Microsoft.Storage/storageAccounts', '2023-05-01', 'collection', 'put', 'actionRequired'),
  entry('Microsoft.KeyVault/vaults', '2023-07-01'),
  entry('Microsoft.KeyVault/managedHSMs', '2023-07-01'),
  entry('Microsoft.Sql/servers', '2023-08-01'),
  entry('Microsoft.DocumentDB/databaseAccounts', '2024-08-15'),
  entry('Microsoft.ContainerRegistry/registries', '2023-07-01'),
  entry('Microsoft.Web/sites', '2023-12-01'),
  entry('Microsoft.Web/hostingEnvironments', '2023-12-01'),
  entry('Microsoft.CognitiveServices/accounts', '2024-10-01'),
  entry('Microsoft.MachineLearningServices/workspaces', '2024-04-01'),
  entry('Microsoft.EventHub/namespaces', '2024-01-01'),
  entry('Microsoft.ServiceBus/namespaces', '2024-01-01'),
  entry('Microsoft.Search/searchServices', '2023-11-01'),
  entry('Microsoft.SignalRService/signalR', '2024-03-01'),
  entry('Microsoft.SignalRService/webPubSub', '2024-03-01'),
  entry('Microsoft.AppConfiguration/configurationStores', '2024-05-01'),
  entry('Microsoft.Cache/redis', '2024-03-01'),
  entry('Microsoft.Synapse/workspaces', '2021-06-01'),
  entry('Microsoft.DataFactory/factories', '2018-06-01'),
  entry('Microsoft.Databricks/workspaces', '2024-05-01'),
  entry('Microsoft.DBforPostgreSQL/flexibleServers', '2024-08-01'),
  entry('Microsoft.DBforMySQL/flexibleServers', '2023-06-30'),
  entry('Microsoft.ApiManagement/service', '2024-05-01'),
  entry('Microsoft.Batch/batchAccounts', '2024-07-01', 'collection', 'patch'),
  // Recovery Services has no list operation for connections: they sit in the vault's properties.
  entry('Microsoft.RecoveryServices/vaults', '2024-04-01', 'parent-properties'),
  entry('Microsoft.Kusto/clusters', '2023-08-15'),
  entry('Microsoft.EventGrid/topics', '2025-02-15'),
  entry('Microsoft.EventGrid/domains', '2025-02-15'),
  entry('Microsoft.Devices/IotHubs', '2023-06-30'),
  entry('Microsoft.Compute/diskAccesses', '2024-03-02'),
  entry('Microsoft.Automation/automationAccounts', '2024-10-23'),
  entry('Microsoft.DigitalTwins/digitalTwinsInstances', '2023-01-31'),
  entry('Microsoft.HealthcareApis/services', '2023-11-01'),
  entry('Microsoft.Purview/accounts', '2021-12-01'),
  entry('Microsoft.StorageSync/storageSyncServices', '2022-06-01'),
  entry('Microsoft.BotService/botServices', '2022-09-15'),
  // AOSM artifact stores expose no connection resources, only POST actions on the store.
  entry('Microsoft.HybridNetwork/publishers/artifactStores', '2024-04-15', 'aosm-post', 'aosm-post'),
].map((e) => Object.freeze(e)));

/** Lower-case type → entry, the lookup the client uses. */
export const RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeEntry> = new Map(RESOURCE_TYPE_LIST.map((e) => [e.type.toLowerCase(), e]));

export class UnknownResourceTypeError extends LinkgateError {
  override name = 'UnknownResourceTypeError';
  readonly resourceType: string;
  constructor(resourceType: string) {
    super(`resource type '${resourceType}' is not in linkgate's resource-type registry`, {
      hint: `If it supports private endpoint connections, add it to src/arm/resource-types.ts with its api-version, list style and action style.`,
      exitCode: 1,
    });
    this.resourceType = resourceType;
  }
}

/** The registry entry for a lower-case or mixed-case type name, or undefined. */
export function lookupResourceType(type: string): ResourceTypeEntry | undefined {
  return RESOURCE_TYPES.get(type.toLowerCase());
}

/** The entry for a provider resource (target) ID. Throws InvalidArmIdError or UnknownResourceTypeError. */
export function resourceTypeOf(targetIdText: string): ResourceTypeEntry {
  const parsed = parseArmId(targetIdText);
  if (!parsed.ok) throw new InvalidArmIdError('provider resource', targetIdText, parsed.error);
  const key = typeKey(parsed.id);
  if (key === undefined) throw new InvalidArmIdError('provider resource', targetIdText, 'names a subscription or resource group, not a resource');
  const found = RESOURCE_TYPES.get(key);
  if (found === undefined) throw new UnknownResourceTypeError(parsed.id.resourceType ?? key);
  return found;
}
