/**
 * The custom role's actions, derived from the resource-type registry so that the deployed role
 * grants exactly what linkgate calls for the types it can govern, and nothing else: no provider
 * wildcard, nothing under Microsoft.Authorization. `npm run infra:role` writes the result into
 * infra/azuredeploy.json, and test/infra checks that the two agree.
 *
 * An ARM request is authorised as `{resource type}/{last segment}/{read|write|action}` (Azure RBAC,
 * "Azure resource provider operations"); so listing connections is
 * `<type>/privateEndpointConnections/read`, writing one `<type>/privateEndpointConnections/write`,
 * and a POST action on a resource `<type>/<action>/action`.
 */
/** Actions every installation needs, whatever types it governs. */
export const COMMON_ACTIONS: readonly string[] = Object.freeze([
  // The sweep's query (DESIGN §5): POST /providers/Microsoft.ResourceGraph/resources.
  'Microsoft.ResourceGraph/resources/read',
  // The consumer's endpoint: subnet, request message, and its NIC for the private IP (DESIGN §5, §9).
  'Microsoft.Network/privateEndpoints/read',
  'Microsoft.Network/networkInterfaces/read',
]);

/**
 * Providers whose long-running writes answer with an operation-status URL of their own, whose GET
 * ARM authorises as a separate action. Network's `Azure-AsyncOperation` points at
 * `/subscriptions/{id}/providers/Microsoft.Network/locations/{region}/operations/{id}` and its
 * `Location` at `.../operationResults/{id}` (Azure RBAC resource provider operations,
 * Microsoft.Network: "Gets operation resource that represents status of an asynchronous
 * operation", "Gets operation result of an async POST or DELETE operation"). Others poll the
 * connection itself (Key Vault, DESIGN §9) or are added here when a real poll is refused.
 */
const POLL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'microsoft.network': ['Microsoft.Network/locations/operations/read', 'Microsoft.Network/locations/operationResults/read'],
};

/**
 * The registry fields the role depends on (ResourceTypeEntry's `type`, `list` and `action`): how a
 * type's connections are listed and decided. Strings, so a style the registry adds later (such as
 * a type with no write) grants nothing until this file says what it calls.
 */
export interface RoleRelevantEntry {
  type: string;
  list: string;
  action: string;
}

/**
 * What linkgate calls on one provider type:
 * - `<type>/read`: the parent-properties list reads the resource, and Resource Graph shows the
 *   sweep only resources the caller can read, so every type needs it.
 * - `collection` list: `GET {target}/privateEndpointConnections`.
 * - `put`/`patch` decisions: `PUT|PATCH {connectionId}`.
 * - AOSM artifact stores: the POST actions `listPrivateEndPoints`, `approvePrivateEndPoints` and
 *   `removePrivateEndPoints` (Microsoft Learn, "Get started with Azure Operator Service Manager
 *   Private Link", required permissions; the list action by the same naming).
 * - a type whose API offers no write (`none`) is only read.
 */
export function actionsForType(entry: RoleRelevantEntry): string[] {
  const actions = [`${entry.type}/read`];
  if (entry.list === 'collection') actions.push(`${entry.type}/privateEndpointConnections/read`);
  if (entry.list === 'aosm-post') actions.push(`${entry.type}/listPrivateEndPoints/action`);
  if (entry.action === 'put' || entry.action === 'patch') actions.push(`${entry.type}/privateEndpointConnections/write`);
  if (entry.action === 'aosm-post') actions.push(`${entry.type}/approvePrivateEndPoints/action`, `${entry.type}/removePrivateEndPoints/action`);
  return actions;
}

/** The role's actions for a registry: the common ones, each type's and its provider's polls, sorted, without duplicates. */
export function roleActionsFor(entries: readonly RoleRelevantEntry[]): string[] {
  const seen = new Map<string, string>();
  const polls = entries.flatMap((e) => POLL_ACTIONS[e.type.split('/')[0]!.toLowerCase()] ?? []);
  for (const action of [...COMMON_ACTIONS, ...entries.flatMap(actionsForType), ...polls]) {
    // RBAC compares action names case-insensitively; keep the first spelling.
    if (!seen.has(action.toLowerCase())) seen.set(action.toLowerCase(), action);
  }
  return [...seen.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}
