/**
 * Which provider resources ("targets") an event hints at. Pure: events are hints, not truth
 * (DESIGN §1), so nothing here trusts an event beyond parsing its IDs strictly, and only targets
 * that some policy governs go on. A consumer private endpoint write names no target by itself;
 * it becomes an endpoint hint that the pipeline resolves by reading the endpoint.
 */
import type { KnownSystemEventTypes } from '@azure/eventgrid';
import { parseArmId, isPrivateEndpointId, targetOfConnectionId, type ArmId } from '../ids/arm-id.js';
import type { EndpointRead } from '../arm/types.js';
import type { DeliveredEvent } from './parse-delivery.js';
import { isRecord } from '../util/is-record.js';

export type EventHint =
  | { kind: 'target'; target: ArmId }
  /**
   * A consumer private endpoint: its targets are read from the endpoint. `namedTargets` are the
   * governed targets the event itself names (a Resource Notifications event carries the
   * endpoint's properties), used only when the endpoint cannot be read.
   */
  | { kind: 'endpoint'; endpoint: ArmId; namedTargets: ArmId[] }
  | { kind: 'ignored'; reason: string };

export const RESOURCE_WRITE_SUCCESS = 'Microsoft.Resources.ResourceWriteSuccess';
export const RESOURCE_CREATED_OR_UPDATED = 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated';

const CONNECTION_WRITE = /\/privateendpointconnection(?:s|proxies)\/write$/u;
const ENDPOINT_WRITE = 'microsoft.network/privateendpoints/write';


/** A resource ID from an event, as a target or an endpoint hint, after the governance check. */
function hintForResource(resourceId: unknown, governs: (targetKey: string) => boolean): EventHint {
  const parsed = parseArmId(resourceId);
  if (!parsed.ok) return { kind: 'ignored', reason: `resource ID rejected: ${parsed.error}` };
  const id = parsed.id;
  if (isPrivateEndpointId(id)) return { kind: 'endpoint', endpoint: id, namedTargets: [] };
  const connectionTarget = targetOfConnectionId(id.text);
  const target = connectionTarget.ok ? connectionTarget.id : id;
  if (target.provider === undefined) return { kind: 'ignored', reason: 'not a provider resource' };
  return governs(target.key) ? { kind: 'target', target } : { kind: 'ignored', reason: `no policy governs ${target.text}` };
}

/** The event's data when it is the given system event, in either schema. */
function systemEventData(type: KnownSystemEventTypes, event: DeliveredEvent): { data: unknown } | undefined {
  // What @azure/eventgrid's isSystemEvent compares, without importing the SDK on a cold start.
  if (event.schema === 'eventgrid') return event.raw.eventType === type ? { data: event.raw.data } : undefined;
  return event.raw.type === type ? { data: event.raw.data } : undefined;
}

export function mapEventToHint(event: DeliveredEvent, governs: (targetKey: string) => boolean): EventHint {
  const write = systemEventData(RESOURCE_WRITE_SUCCESS, event);
  if (write !== undefined) {
    const data = write.data;
    if (!isRecord(data)) return { kind: 'ignored', reason: 'ResourceWriteSuccess without data' };
    const operation = typeof data['operationName'] === 'string' ? data['operationName'].toLowerCase() : '';
    const resourceUri = data['resourceUri'];
    if (CONNECTION_WRITE.test(operation)) {
      const target = targetOfConnectionId(resourceUri);
      if (!target.ok) return { kind: 'ignored', reason: `connection resourceUri rejected: ${target.error}` };
      return governs(target.id.key) ? { kind: 'target', target: target.id } : { kind: 'ignored', reason: `no policy governs ${target.id.text}` };
    }
    if (operation === ENDPOINT_WRITE) {
      const endpoint = parseArmId(resourceUri);
      if (!endpoint.ok || !isPrivateEndpointId(endpoint.id)) {
        return { kind: 'ignored', reason: `private endpoint resourceUri rejected: ${endpoint.ok ? 'not a private endpoint' : endpoint.error}` };
      }
      return { kind: 'endpoint', endpoint: endpoint.id, namedTargets: [] };
    }
    // A write to a governed provider resource itself (e.g. a Private Link Service update) may change its connections.
    const hint = hintForResource(resourceUri, governs);
    return hint.kind === 'target' ? hint : { kind: 'ignored', reason: `operation ${operation || '(none)'} does not concern connections` };
  }
  const notification = systemEventData(RESOURCE_CREATED_OR_UPDATED, event);
  if (notification !== undefined) {
    const data = notification.data;
    const info = isRecord(data) ? data['resourceInfo'] : undefined;
    if (!isRecord(info)) return { kind: 'ignored', reason: 'CreatedOrUpdated without data.resourceInfo' };
    const hint = hintForResource(info['id'], governs);
    if (hint.kind !== 'endpoint') return hint;
    // data.resourceInfo.properties is the endpoint as ARM held it: its connection entries name the targets.
    return { ...hint, namedTargets: targetsNamedByEndpoint(info).filter((target) => governs(target.key)) };
  }
  return { kind: 'ignored', reason: `event type ${event.type} is not handled` };
}

/**
 * The target IDs a consumer private endpoint names, from both connection arrays
 * (auto-approval and manual). Junk entries are skipped; governance is checked by the caller.
 */
export function targetsNamedByEndpoint(endpoint: unknown): ArmId[] {
  const properties = isRecord(endpoint) ? endpoint['properties'] : undefined;
  if (!isRecord(properties)) return [];
  const targets = new Map<string, ArmId>();
  for (const list of [properties['privateLinkServiceConnections'], properties['manualPrivateLinkServiceConnections']]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const inner = isRecord(entry) ? entry['properties'] : undefined;
      const parsed = parseArmId(isRecord(inner) ? inner['privateLinkServiceId'] : undefined);
      if (parsed.ok && parsed.id.provider !== undefined) targets.set(parsed.id.key, parsed.id);
    }
  }
  return [...targets.values()];
}

/**
 * The governed targets an endpoint hint leads to: those the endpoint names when it could be read
 * (the truth), else those the event named (a hint; reconcile still reads each target's own
 * connections, so a forged name changes nothing a policy does not govern).
 */
export function targetsOfEndpointHint(namedTargets: readonly ArmId[], read: EndpointRead, governs: (targetKey: string) => boolean): ArmId[] {
  const candidates = read.readable ? targetsNamedByEndpoint(read.endpoint) : namedTargets;
  return candidates.filter((target) => governs(target.key));
}
