/** What a decision's write sends, per type: the method, URL path, body fields its spec accepts, and If-Match only where connections carry etags. */
import type { ArmId } from '../ids/arm-id.js';
import type { ResourceTypeEntry } from './resource-types.js';
import type { ArmConnection, ConnectionStatus } from './types.js';

/** ARM descriptions are short; longer ones are refused by some providers. */
export const MAX_DESCRIPTION_LENGTH = 140;

export interface WriteRequest {
  method: 'PUT' | 'PATCH' | 'POST';
  path: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The connection-state object of a PUT/PATCH, with only the fields the type lets a client set. */
export function connectionStateFor(entry: ResourceTypeEntry, status: ConnectionStatus, description: string): Record<string, string> {
  const state: Record<string, string> = { status };
  if (entry.description) state.description = description.slice(0, MAX_DESCRIPTION_LENGTH);
  if (entry.actions === 'actionsRequired' || entry.actions === 'actionRequired') state[entry.actions] = 'None';
  return state;
}

/** The request that carries a decision to ARM (`entry.action` must not be 'none'). */
export function writeRequestFor(
  entry: ResourceTypeEntry,
  ids: { connection: ArmId; target: ArmId; endpoint: ArmId | undefined },
  connection: ArmConnection,
  status: ConnectionStatus,
  description: string,
): WriteRequest {
  if (entry.action === 'aosm-post') {
    return {
      method: 'POST',
      path: `${ids.target.text}/${status === 'Approved' ? 'approveprivateendpoints' : 'removeprivateendpoints'}`,
      body: { manualPrivateEndPointConnections: [{ id: ids.endpoint?.text }] },
    };
  }
  const privateEndpoint = connection.properties?.privateEndpoint;
  const properties: Record<string, unknown> = {};
  if (entry.privateEndpoint && privateEndpoint !== undefined) properties.privateEndpoint = privateEndpoint;
  properties.privateLinkServiceConnectionState = connectionStateFor(entry, status, description);
  const etag = connection.etag;
  // If-Match with the etag read, where the connection carries one (the spec gives connections an
  // etag only on the types marked `etag`); elsewhere there is nothing to match.
  const headers = typeof etag === 'string' && etag.length > 0 ? { 'if-match': etag } : undefined;
  return { method: entry.action === 'patch' ? 'PATCH' : 'PUT', path: ids.connection.text, body: { properties }, ...(headers === undefined ? {} : { headers }) };
}
