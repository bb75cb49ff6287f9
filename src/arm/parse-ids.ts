/** Checks the IDs callers pass in (provider resource, connection, private endpoint) before any URL is built from them. */
import { isPrivateEndpointId, parseArmId, targetOfConnectionId, type ArmId } from '../ids/arm-id.js';
import { InvalidArmIdError } from './arm-error.js';
import { resourceTypeOf, type ResourceTypeEntry } from './resource-types.js';

/** A parsed private endpoint connection ID with its provider resource and that resource's type entry. */
export interface ConnectionRef {
  id: ArmId;
  target: ArmId;
  entry: ResourceTypeEntry;
}

export function parseTarget(targetId: string): { id: ArmId; entry: ResourceTypeEntry } {
  const parsed = parseArmId(targetId);
  if (!parsed.ok) throw new InvalidArmIdError('provider resource', targetId, parsed.error);
  return { id: parsed.id, entry: resourceTypeOf(parsed.id.text) };
}

export function parseConnection(connectionId: string): ConnectionRef {
  const parsed = parseArmId(connectionId);
  if (!parsed.ok) throw new InvalidArmIdError('private endpoint connection', connectionId, parsed.error);
  const target = targetOfConnectionId(parsed.id.text);
  if (!target.ok) throw new InvalidArmIdError('private endpoint connection', connectionId, target.error);
  return { id: parsed.id, target: target.id, entry: resourceTypeOf(target.id.text) };
}

export function parseEndpoint(endpointId: unknown): ArmId {
  const parsed = parseArmId(endpointId);
  if (!parsed.ok) throw new InvalidArmIdError('private endpoint', endpointId, parsed.error);
  if (!isPrivateEndpointId(parsed.id)) throw new InvalidArmIdError('private endpoint', endpointId, 'not a Microsoft.Network/privateEndpoints ID');
  return parsed.id;
}
