/**
 * What the evaluator and the pipeline read from ARM JSON, read defensively: ARM payloads vary by
 * provider (Storage spells `actionRequired`), and fuzzed or hostile input may have any shape.
 * Every accessor is total and returns undefined rather than guessing.
 */

export interface ConnectionFacts {
  connectionId: string | undefined;
  /** `privateLinkServiceConnectionState.status` as ARM spells it (Pending, Approved, Rejected, Disconnected). */
  status: string | undefined;
  isPending: boolean;
  /** While Pending, Azure keeps the consumer's request message in the state's description. */
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

/**
 * The subscription of `/subscriptions/{guid}/...`, lower case, without parsing the whole ID. Every
 * decision asks twice (the endpoint's and the subnet's), so the common all-lower-case spelling is
 * tried first with a case-sensitive regex and sliced as is: the case-insensitive regex plus
 * toLowerCase measured twice its cost. (A character loop measured slower than either.)
 */
export function leadingSubscription(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (LEADING_SUBSCRIPTION_LOWER.test(id)) return id.slice(15, 51);
  return LEADING_SUBSCRIPTION.test(id) ? id.slice(15, 51).toLowerCase() : undefined;
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
  return { subnetId, ipAddresses };
}
