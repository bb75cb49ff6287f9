/** The shape of one row of the resource-type table (resource-type-data.ts), with what each field means. */

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
 * - `none`: the API offers no write: linkgate lists the type but refuses to decide for it.
 */
export type ActionStyle = 'put' | 'patch' | 'aosm-post' | 'none';

/**
 * The connection state's actions field: `actionsRequired` (most types, writable), `actionRequired`
 * (Storage's spelling), `read-only` (the model has `actionsRequired` but the service sets it, so a
 * write leaves it out) or `none` (Event Hubs, Service Bus, Relay and AKS have no such field).
 */
export type ActionsField = 'actionsRequired' | 'actionRequired' | 'read-only' | 'none';

/**
 * How a write finishes:
 * - `azure-async-operation`: an `Azure-AsyncOperation` URL answering `{status}` (and maybe `Location`).
 * - `location-status`: `Location` points at an operation-status resource answering 200 with
 *   `{"status": "InProgress"|"Succeeded"|"Failed"|"Canceled"}` (Azure Monitor private link scopes, AOSM).
 * - `connection-url`: the `Azure-AsyncOperation` URL is the connection itself, whose
 *   `properties.provisioningState` tells when it is done (Key Vault vaults and managedHSMs).
 * - `synchronous`: not long-running in the spec; the answer's `provisioningState` still may read
 *   `Updating`, and then the connection is read again until it settles.
 */
export type LroStyle = 'azure-async-operation' | 'location-status' | 'connection-url' | 'synchronous';

export interface TypeFacts {
  list: ListStyle;
  action: ActionStyle;
  /** Connections carry an etag, so a write sends `If-Match` with it. */
  etag: boolean;
  actions: ActionsField;
  /** The write may carry `properties.privateEndpoint` (read-only on Network, APIM, Batch, disk accesses, Kusto, HDInsight, Migrate). */
  privateEndpoint: boolean;
  /** The write may carry `privateLinkServiceConnectionState.description` (read-only on Notification Hubs). */
  description: boolean;
  lro: LroStyle;
  /** HTTP statuses the spec lists for a successful write. */
  writes: readonly number[];
  /** Connection statuses (or provisioning states) the type shows while a write is still being carried out. */
  transitional: readonly string[];
  /** Why the type is special, shown by `linkgate types`. */
  note?: string;
}

export interface ResourceTypeEntry extends TypeFacts {
  /** Provider namespace and type as Azure spells it, e.g. `Microsoft.Network/privateLinkServices`. */
  type: string;
  /** Dated api-version (YYYY-MM-DD): the newest stable one with a privateEndpointConnections resource. */
  apiVersion: string;
}
