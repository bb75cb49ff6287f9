/**
 * What the evaluator and the pipeline read from ARM JSON, read defensively: ARM payloads vary by
 * provider (Storage spells `actionRequired`), and fuzzed or hostile input may have any shape.
 * Every accessor is total and returns undefined rather than guessing.
 */
import { canonicalKeyOf } from '../ids/arm-id.js';
import { leadingSubscription } from '../ids/leading-subscription.js';

export interface ConnectionFacts {
  connectionId: string | undefined;
  /** `privateLinkServiceConnectionState.status` as ARM spells it (Pending, Approved, Rejected, Disconnected). */
  status: string | undefined;
  isPending: boolean;
  /** The provider-side description: the consumer's request message on most types, a service default or nothing on some (see consumerRequestMessage). */
  requestMessage: string;
  privateEndpointId: string | undefined;
  /** Lower-case subscription GUID of the consumer's private endpoint. */
  consumerSubscriptionId: string | undefined;
}

export interface EndpointFacts {
  subnetId: string | undefined;
  ipAddresses: string[];
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export { leadingSubscription };

export function connectionFacts(connection: unknown): ConnectionFacts {
  const c = record(connection);
  const properties = record(c?.['properties']);
  const state = record(properties?.['privateLinkServiceConnectionState']);
  const status = text(state?.['status']);
  const endpoint = record(properties?.['privateEndpoint']);
  const privateEndpointId = text(endpoint?.['id']);
  return {
    connectionId: text(c?.['id']),
    status,
    isPending: isPendingStatus(status),
    requestMessage: text(state?.['description']) ?? '',
    privateEndpointId,
    consumerSubscriptionId: leadingSubscription(privateEndpointId),
  };
}

/** ARM spells it `Pending`; any other case is accepted too. */
export function isPendingStatus(status: string | undefined): boolean {
  return status === 'Pending' || (status !== undefined && status.toLowerCase() === 'pending');
}

export function endpointFacts(endpoint: unknown): EndpointFacts {
  const properties = record(record(endpoint)?.['properties']);
  return { subnetId: endpointSubnetId(properties), ipAddresses: endpointAddresses(properties) };
}

/** `properties.subnet.id` of an endpoint, given its `properties`. */
export function endpointSubnetId(properties: Record<string, unknown> | undefined): string | undefined {
  return text(record(properties?.['subnet'])?.['id']);
}

/** Every IP of an endpoint, given its `properties`, each once: those it lists, then its expanded NICs'. */
export function endpointAddresses(properties: Record<string, unknown> | undefined): string[] {
  const ipAddresses = listedAddresses(properties);
  // Pushed one by one into the same list, not through a second list: a decision reads this.
  const nics = properties?.['networkInterfaces'];
  if (Array.isArray(nics)) for (const nic of nics) addNetworkInterfaceAddresses(nic, ipAddresses);
  return ipAddresses;
}

/**
 * `list` with `ip` added unless it holds it already. The first address starts a one-element
 * literal: an endpoint usually has one, and a list grown by push allocates room for 17.
 */
function withAddress(list: string[] | undefined, ip: string): string[] {
  if (list === undefined) return [ip];
  if (!list.includes(ip)) list.push(ip);
  return list;
}

/** The IPs the endpoint itself lists: static `ipConfigurations`, and `customDnsConfigs` once DNS is set. */
function listedAddresses(properties: Record<string, unknown> | undefined): string[] {
  let ipAddresses: string[] | undefined;
  const configs = properties?.['ipConfigurations'];
  if (Array.isArray(configs)) {
    for (const config of configs) {
      const ip = text(record(record(config)?.['properties'])?.['privateIPAddress']);
      if (ip !== undefined) ipAddresses = withAddress(ipAddresses, ip);
    }
  }
  const dns = properties?.['customDnsConfigs'];
  if (Array.isArray(dns)) {
    for (const config of dns) {
      const addresses = record(config)?.['ipAddresses'];
      if (!Array.isArray(addresses)) continue;
      for (const ip of addresses) if (typeof ip === 'string') ipAddresses = withAddress(ipAddresses, ip);
    }
  }
  return ipAddresses ?? [];
}

/**
 * The IPs of an endpoint's network interfaces when they are expanded in place, as the pipeline
 * puts them after reading each NIC (the spec types `networkInterfaces` as NetworkInterface[]):
 * `networkInterfaces[].properties.ipConfigurations[].properties.privateIPAddress` (Network spec,
 * NetworkInterfaceGet.json). An address in prefix form (`172.20.2.16/28`, a VM NIC's IP prefix)
 * is not one address and is left out; a private endpoint's NIC holds plain addresses.
 */
function addNetworkInterfaceAddresses(nic: unknown, ipAddresses: string[]): void {
  const configs = record(record(nic)?.['properties'])?.['ipConfigurations'];
  if (!Array.isArray(configs)) return;
  for (const config of configs) {
    const ip = text(record(record(config)?.['properties'])?.['privateIPAddress']);
    if (ip !== undefined && ip !== '' && !ip.includes('/') && !ipAddresses.includes(ip)) ipAddresses.push(ip);
  }
}

/** `properties.ipConfigurations[].properties.privateIPAddress` of a network interface, plain addresses only. */
export function addressesOfNetworkInterface(nic: unknown): string[] {
  const ipAddresses: string[] = [];
  addNetworkInterfaceAddresses(nic, ipAddresses);
  return ipAddresses;
}

/** Whether the endpoint itself lists an IP; real Pending endpoints list none (DESIGN §9). */
export function endpointListsAddresses(endpoint: unknown): boolean {
  return listedAddresses(record(record(endpoint)?.['properties'])).length > 0;
}

/** `properties.networkInterfaces[].id` of an endpoint: where its IPs are. */
export function networkInterfaceIdsOf(endpoint: unknown): string[] {
  const nics = record(record(endpoint)?.['properties'])?.['networkInterfaces'];
  if (!Array.isArray(nics)) return [];
  const ids: string[] = [];
  for (const nic of nics) {
    const id = text(record(nic)?.['id']);
    if (id !== undefined && !ids.some((known) => known.toLowerCase() === id.toLowerCase())) ids.push(id);
  }
  return ids;
}

/**
 * A copy of the endpoint whose `networkInterfaces[]` references are replaced by the NICs read
 * (keyed by lower-case ID), the shape endpointFacts reads IPs from. The endpoint is not changed.
 */
export function withNetworkInterfaces(endpoint: Record<string, unknown>, nics: ReadonlyMap<string, Record<string, unknown>>): Record<string, unknown> {
  const properties = record(endpoint['properties']);
  const list = properties?.['networkInterfaces'];
  if (properties === undefined || !Array.isArray(list) || nics.size === 0) return endpoint;
  const expanded = list.map((entry: unknown) => {
    const id = text(record(entry)?.['id']);
    const nic = id === undefined ? undefined : nics.get(id.toLowerCase());
    return nic === undefined ? entry : { ...nic, id };
  });
  return { ...endpoint, properties: { ...properties, networkInterfaces: expanded } };
}

/**
 * What services write into a Pending connection's provider-side description when the consumer's
 * message is not copied there: "Awaiting approval" (Network REST spec example
 * PrivateEndpointGetForManualApproval.json, Azure PowerShell's Get-AzPrivateEndpoint help) and
 * "Manual Approval" (DESIGN §9, seen in real PaaS traffic). Compared trimmed and case-insensitively.
 */
const SERVICE_DEFAULT_MESSAGES: ReadonlySet<string> = new Set(['awaiting approval', 'manual approval']);
const LONGEST_DEFAULT = 24;

/** True when a provider-side description is no message of the consumer's: empty, blank or a service default. */
export function isServiceDefaultMessage(description: string): boolean {
  if (description.length > LONGEST_DEFAULT) return false;
  const trimmed = description.trim().toLowerCase();
  return trimmed === '' || SERVICE_DEFAULT_MESSAGES.has(trimmed);
}

/**
 * The consumer's own request message for a target, from its endpoint: the
 * `privateLinkServiceConnections[]` or `manualPrivateLinkServiceConnections[]` entry whose
 * `privateLinkServiceId` is the target (ARM IDs compare case-insensitively). Only that entry:
 * a message the consumer addressed to another provider is not this one's.
 */
export function endpointRequestMessage(endpoint: unknown, target: string): string | undefined {
  const properties = record(record(endpoint)?.['properties']);
  if (properties === undefined) return undefined;
  const targetKey = canonicalKeyOf(target);
  if (targetKey === undefined) return undefined;
  for (const list of [properties['manualPrivateLinkServiceConnections'], properties['privateLinkServiceConnections']]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const inner = record(record(entry)?.['properties']);
      const service = text(inner?.['privateLinkServiceId']);
      if (service === undefined || canonicalKeyOf(service) !== targetKey) continue;
      const message = text(inner?.['requestMessage']);
      if (message !== undefined && message.trim() !== '') return message;
    }
  }
  return undefined;
}

export interface RequestMessageFacts {
  /** The consumer's message; '' when unknown (a service default is not the consumer's message). */
  message: string;
  source: 'provider' | 'endpoint' | 'none';
}

/**
 * The consumer's request message: the provider-side description unless it is missing or a
 * service default (DESIGN §9), else the consumer endpoint's entry for this target.
 */
export function consumerRequestMessage(providerDescription: string, endpoint: unknown, target: string): RequestMessageFacts {
  if (!isServiceDefaultMessage(providerDescription)) return { message: providerDescription, source: 'provider' };
  const fromEndpoint = endpoint === undefined ? undefined : endpointRequestMessage(endpoint, target);
  return fromEndpoint === undefined ? { message: '', source: 'none' } : { message: fromEndpoint, source: 'endpoint' };
}
