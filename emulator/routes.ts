/** Which emulated ARM operation a request path names, and how fault rules and the log classify it. */
import type { AosmAction } from './connection-writes.js';
import { endpointIdOfNetworkInterface } from './network-interfaces.js';
import type { EmulatedOperation } from './fault-rules.js';
import type { WorldIndex } from './world-index.js';
import { ARTIFACT_STORE_TYPE, type PrivateEndpoint, type ProviderResource } from './world-types.js';

export type Route =
  | { kind: 'tenant'; subscriptionId: string }
  | { kind: 'graph' }
  | { kind: 'operation'; which: 'status' | 'result'; operationId: string }
  | { kind: 'endpoint'; endpoint: PrivateEndpoint | undefined }
  | { kind: 'networkInterface'; endpoint: PrivateEndpoint | undefined }
  | { kind: 'provider'; provider: ProviderResource }
  | { kind: 'collection'; provider: ProviderResource }
  | { kind: 'connection'; provider: ProviderResource; name: string }
  | { kind: 'aosm'; provider: ProviderResource; action: AosmAction }
  | { kind: 'unknown' };

/** Routes a path (without query or trailing slash); ARM IDs are case-insensitive, names keep their case. */
export function routeOf(path: string, index: WorldIndex): Route {
  const lower = path.toLowerCase();
  const segments = lower.split('/').filter((s) => s.length > 0);
  if (segments.length === 2 && segments[0] === 'subscriptions') return { kind: 'tenant', subscriptionId: segments[1] ?? '' };
  if (lower === '/providers/microsoft.resourcegraph/resources') return { kind: 'graph' };
  const op = /^\/subscriptions\/[^/]+\/providers\/[^/]+\/locations\/[^/]+\/(operations|operationresults)\/([^/]+)$/u.exec(lower);
  if (op !== null) return { kind: 'operation', which: op[1] === 'operations' ? 'status' : 'result', operationId: op[2] ?? '' };
  const provider = index.provider(lower);
  if (provider !== undefined) return { kind: 'provider', provider };
  const last = segments.at(-1) ?? '';
  const parentPath = '/' + segments.slice(0, -1).join('/');
  if (last === 'privateendpointconnections') {
    const parent = index.provider(parentPath);
    if (parent !== undefined) return { kind: 'collection', provider: parent };
  }
  if (segments.at(-2) === 'privateendpointconnections') {
    const parent = index.provider('/' + segments.slice(0, -2).join('/'));
    if (parent !== undefined) return { kind: 'connection', provider: parent, name: path.split('/').filter((s) => s.length > 0).at(-1) ?? '' };
  }
  if (last === 'listprivateendpoints' || last === 'approveprivateendpoints' || last === 'removeprivateendpoints') {
    const parent = index.provider(parentPath);
    if (parent !== undefined && parent.type.toLowerCase() === ARTIFACT_STORE_TYPE.toLowerCase()) return { kind: 'aosm', provider: parent, action: last };
  }
  if (segments.length >= 2 && segments.at(-2) === 'privateendpoints' && segments.at(-3) === 'microsoft.network') {
    return { kind: 'endpoint', endpoint: index.endpoint(lower) };
  }
  if (segments.length >= 2 && segments.at(-2) === 'networkinterfaces' && segments.at(-3) === 'microsoft.network') {
    const endpointId = endpointIdOfNetworkInterface(lower);
    return { kind: 'networkInterface', endpoint: endpointId === undefined ? undefined : index.endpoint(endpointId) };
  }
  return { kind: 'unknown' };
}

export function operationOf(method: string, r: Route): EmulatedOperation {
  switch (r.kind) {
    case 'tenant':
      return 'tenant';
    case 'graph':
      return 'graph';
    case 'operation':
      return 'poll';
    case 'endpoint':
    case 'networkInterface':
      return 'endpoint';
    case 'provider':
    case 'collection':
      return 'list';
    case 'connection':
      return method === 'GET' ? 'get' : 'write';
    case 'aosm':
      return r.action === 'listprivateendpoints' ? 'list' : 'write';
    default:
      return 'other';
  }
}
