/** Test oracle: connection-facts.ts as it was before issue 12's evaluation work (see evaluate.ts here). */
import { canonicalKeyOf } from './arm-id.js';

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

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** ARM's usual spelling: lower-case `/subscriptions/` and GUID, which needs no lower-casing. */
const LEADING_SUBSCRIPTION_LOWER = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/|$)/;
// Without the u flag, on purpose: /iu would also fold U+017F (ſ) to s, which parseArmId rejects.
const LEADING_SUBSCRIPTION = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/|$)/i;
const PREFIX = '/subscriptions/';
const GUID_END = 51;

/**
 * The subscription of `/subscriptions/{guid}/...`, lower case, without parsing the whole ID. Every
 * decision asks, so the common all-lower-case spelling is tried first with a case-sensitive regex
 * and sliced as is: the case-insensitive regex plus toLowerCase measured twice its cost, and
 * character loops (one pass, or runs between the dashes) measured 1.3–1.7× the regex.
 */
export function leadingSubscription(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (LEADING_SUBSCRIPTION_LOWER.test(id)) return id.slice(PREFIX.length, GUID_END);
  return LEADING_SUBSCRIPTION.test(id) ? id.slice(PREFIX.length, GUID_END).toLowerCase() : undefined;
}

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
    isPending: status === 'Pending' || (status !== undefined && status.toLowerCase() === 'pending'),
    requestMessage: text(state?.['description']) ?? '',
    privateEndpointId,
    consumerSubscriptionId: leadingSubscription(privateEndpointId),
  };
}

export function endpointFacts(endpoint: unknown): EndpointFacts {
  const properties = record(record(endpoint)?.['properties']);
  const subnetId = text(record(properties?.['subnet'])?.['id']);
  const ipAddresses = listedAddresses(properties);
  for (const ip of networkInterfaceAddresses(properties)) if (!ipAddresses.includes(ip)) ipAddresses.push(ip);
  return { subnetId, ipAddresses };
}

/** The IPs the endpoint itself lists: static `ipConfigurations`, and `customDnsConfigs` once DNS is set. */
function listedAddresses(properties: Record<string, unknown> | undefined): string[] {
  const ipAddresses: string[] = [];
  const configs = properties?.['ipConfigurations'];
  if (Array.isArray(configs)) {
    for (const config of configs) {
      const ip = text(record(record(config)?.['properties'])?.['privateIPAddress']);
      if (ip !== undefined && !ipAddresses.includes(ip)) ipAddresses.push(ip);
    }
  }
  const dns = properties?.['customDnsConfigs'];
  if (Array.isArray(dns)) {
    for (const config of dns) {
      const addresses = record(config)?.['ipAddresses'];
      if (!Array.isArray(addresses)) continue;
      for (const ip of addresses) if (typeof ip === 'string' && !ipAddresses.includes(ip)) ipAddresses.push(ip);
    }
  }
  return ipAddresses;
}

/**
 * The IPs of the endpoint's network interfaces when they are expanded in place, as the pipeline
 * puts them after reading each NIC (the spec types `networkInterfaces` as NetworkInterface[]):
 * `networkInterfaces[].properties.ipConfigurations[].properties.privateIPAddress` (Network spec,
 * NetworkInterfaceGet.json). An address in prefix form (`172.20.2.16/28`, a VM NIC's IP prefix)
 * is not one address and is left out; a private endpoint's NIC holds plain addresses.
 */
function networkInterfaceAddresses(properties: Record<string, unknown> | undefined): string[] {
  const ipAddresses: string[] = [];
  const nics = properties?.['networkInterfaces'];
  if (!Array.isArray(nics)) return ipAddresses;
  for (const nic of nics) {
    for (const ip of addressesOfNetworkInterface(nic)) if (!ipAddresses.includes(ip)) ipAddresses.push(ip);
  }
  return ipAddresses;
}

/** `properties.ipConfigurations[].properties.privateIPAddress` of a network interface, plain addresses only. */
export function addressesOfNetworkInterface(nic: unknown): string[] {
  const configs = record(record(nic)?.['properties'])?.['ipConfigurations'];
  const ipAddresses: string[] = [];
  if (!Array.isArray(configs)) return ipAddresses;
  for (const config of configs) {
    const ip = text(record(record(config)?.['properties'])?.['privateIPAddress']);
    if (ip !== undefined && ip !== '' && !ip.includes('/') && !ipAddresses.includes(ip)) ipAddresses.push(ip);
  }
  return ipAddresses;
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
