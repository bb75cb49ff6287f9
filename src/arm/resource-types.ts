/**
 * Looking up the resource-type table (resource-type-data.ts, cited from the REST API specs) by
 * type name or resource ID, and what a write to a type carries. A type missing from the table is
 * refused with a clear error rather than guessed at.
 */
import { parseArmId, typeKey } from '../ids/arm-id.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import { InvalidArmIdError } from './arm-error.js';
import { RESOURCE_TYPE_DATA } from './resource-type-data.js';
import type { ResourceTypeEntry } from './resource-type-entry.js';

export type { ActionsField, ActionStyle, ListStyle, LroStyle, ResourceTypeEntry, TypeFacts } from './resource-type-entry.js';

/** Every governed type, by name. */
export const RESOURCE_TYPE_LIST: readonly ResourceTypeEntry[] = RESOURCE_TYPE_DATA;

/** Lower-case type → entry, the lookup the client uses. */
export const RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeEntry> = new Map(RESOURCE_TYPE_LIST.map((e) => [e.type.toLowerCase(), e]));

export class UnknownResourceTypeError extends LinkgateError {
  override name = 'UnknownResourceTypeError';
  readonly resourceType: string;
  constructor(resourceType: string) {
    super(`resource type '${resourceType}' is not in linkgate's resource-type registry`, {
      hint: `Run 'linkgate types' for the types linkgate governs. If this one supports private endpoint connections, add it to src/arm/resource-type-data.ts with its facts from the REST API specs.`,
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

export class NotApprovableTypeError extends LinkgateError {
  override name = 'NotApprovableTypeError';
  readonly resourceType: string;
  constructor(entry: ResourceTypeEntry) {
    super(`connections of '${entry.type}' cannot be approved or rejected through ARM: ${entry.note ?? 'the API offers no write'}`, {
      hint: 'Decide these connections in the Azure portal, or remove the type from your policies\' targets.',
      exitCode: 1,
    });
    this.resourceType = entry.type;
  }
}

/**
 * The request fields a write to this type carries, as dotted paths under `properties`: only the
 * fields its spec lets a client set (an actions field the service owns, or a read-only
 * privateEndpoint, is left out).
 */
export function requestFieldsOf(entry: ResourceTypeEntry): string[] {
  if (entry.action === 'aosm-post') return ['manualPrivateEndPointConnections[].id'];
  if (entry.action === 'none') return [];
  const fields = entry.privateEndpoint ? ['privateEndpoint'] : [];
  fields.push('privateLinkServiceConnectionState.status');
  if (entry.description) fields.push('privateLinkServiceConnectionState.description');
  if (entry.actions === 'actionsRequired' || entry.actions === 'actionRequired') fields.push(`privateLinkServiceConnectionState.${entry.actions}`);
  return fields;
}
