/**
 * The consumer facts a decision needs, read from where Azure keeps them (DESIGN §9): the private
 * endpoint (subnet, and the consumer's own request message on its connection entry for this
 * target), and, when a policy needs IPs and the endpoint lists none (a real Pending endpoint has
 * `ipConfigurations: []` and `customDnsConfigs: []`), the endpoint's network interface. Each read
 * is made only when a policy needs it, once per invocation (the caches), and a 403/404 is
 * recorded as "unreadable", which no rule ever turns into an approval.
 */
import type { TargetPlan } from '../policy/compile-policies.js';
import {
  connectionFacts,
  consumerRequestMessage,
  endpointFacts,
  endpointListsAddresses,
  isServiceDefaultMessage,
  networkInterfaceIdsOf,
  withNetworkInterfaces,
} from '../policy/connection-facts.js';
import type { ArmClient, ArmConnection, EndpointRead, NetworkInterfaceRead } from './types.js';

/** Where the recorded IPs came from: the endpoint, its NIC, or why there are none. */
export type IpAddressSource = 'endpoint' | 'nic' | 'unreadable' | 'not-read' | 'none';
/** Where the recorded request message came from: the provider side, the consumer endpoint, or why there is none. */
export type RequestMessageSource = 'provider' | 'endpoint' | 'unreadable' | 'not-read' | 'none';

export interface FactSources {
  ipAddresses: IpAddressSource;
  requestMessage: RequestMessageSource;
}

/** Per-invocation memo of consumer reads (see src/pipeline/invocation-caches.ts). */
export interface ConsumerReadCaches {
  endpoint(id: string, read: () => Promise<EndpointRead>): Promise<EndpointRead>;
  networkInterface(id: string, read: () => Promise<NetworkInterfaceRead>): Promise<NetworkInterfaceRead>;
}

export interface ConsumerFactNeeds {
  /** Some policy matches subnets or CIDRs: the endpoint is read. */
  endpoint: boolean;
  /** Some policy has a CIDR (trusted or denied): IPs must be known, from the NIC if the endpoint lists none. */
  ipAddresses: boolean;
  /** Some policy has a requestMessage pattern: the endpoint is read when the provider side holds no message. */
  requestMessage: boolean;
}

/** What a target's governing policies (enforce and audit) need to know about the consumer. */
export function consumerFactNeeds(plan: TargetPlan): ConsumerFactNeeds {
  const policies = [...plan.enforce, ...plan.audit];
  return {
    endpoint: plan.needs.endpoint,
    ipAddresses: policies.some((p) => p.trustedSubnets.cidrs.size > 0 || p.denySubnets.cidrs.size > 0),
    requestMessage: policies.some((p) => p.requestMessage !== undefined),
  };
}

export interface ConsumerFacts {
  /** The endpoint as the evaluator sees it (its NICs expanded in place when read); undefined when not read. */
  endpoint: EndpointRead | undefined;
  /** The consumer's request message for this target ('' when unknown). */
  requestMessage: string;
  sources: FactSources;
  /** Why the endpoint's IPs are unknown although it was read (its network interface answered 403/404). */
  ipAddressesUnavailable?: string;
}

/**
 * The NICs of an endpoint, all or nothing: one unreadable NIC hides its addresses, and a deny
 * CIDR checked against the others only would pass over them, so then none is used.
 */
async function readNetworkInterfaces(
  arm: Pick<ArmClient, 'getNetworkInterface'>,
  caches: ConsumerReadCaches,
  ids: string[],
): Promise<{ nics: Map<string, Record<string, unknown>>; unreadable?: string }> {
  const nics = new Map<string, Record<string, unknown>>();
  const reads = await Promise.all(ids.map(async (id) => ({ id, read: await caches.networkInterface(id, () => arm.getNetworkInterface(id)) })));
  for (const { id, read } of reads) {
    if (!read.readable) return { nics: new Map(), unreadable: `its network interface is not readable (HTTP ${read.httpStatus}: ${read.reason})` };
    nics.set(id.toLowerCase(), read.networkInterface);
  }
  return { nics };
}

/**
 * The endpoint with its NICs expanded in place when it lists no IP itself, and where its IPs
 * came from. A NIC that cannot be read leaves the endpoint as read ('unreadable').
 */
async function withAddresses(
  arm: Pick<ArmClient, 'getNetworkInterface'>,
  caches: ConsumerReadCaches,
  endpoint: Record<string, unknown>,
): Promise<{ endpoint: Record<string, unknown>; source: IpAddressSource; unreadable?: string }> {
  if (endpointListsAddresses(endpoint)) return { endpoint, source: 'endpoint' };
  const ids = networkInterfaceIdsOf(endpoint);
  if (ids.length === 0) return { endpoint, source: 'none' };
  const read = await readNetworkInterfaces(arm, caches, ids);
  if (read.unreadable !== undefined) return { endpoint, source: 'unreadable', unreadable: read.unreadable };
  const expanded = withNetworkInterfaces(endpoint, read.nics);
  return { endpoint: expanded, source: endpointFacts(expanded).ipAddresses.length > 0 ? 'nic' : 'none' };
}

export async function readConsumerFacts(
  arm: Pick<ArmClient, 'getPrivateEndpoint' | 'getNetworkInterface'>,
  caches: ConsumerReadCaches,
  connection: ArmConnection,
  target: string,
  needs: ConsumerFactNeeds,
): Promise<ConsumerFacts> {
  const facts = connectionFacts(connection);
  const providerHasMessage = !isServiceDefaultMessage(facts.requestMessage);
  const wanted = needs.endpoint || (needs.requestMessage && !providerHasMessage);
  const endpointId = facts.privateEndpointId;
  let endpoint: EndpointRead | undefined;
  let ipAddresses: IpAddressSource = 'not-read';
  let ipAddressesUnavailable: string | undefined;
  if (wanted && endpointId !== undefined) {
    endpoint = await caches.endpoint(endpointId, () => arm.getPrivateEndpoint(endpointId));
    if (!endpoint.readable) ipAddresses = 'unreadable';
    else if (endpointListsAddresses(endpoint.endpoint)) ipAddresses = 'endpoint';
    else if (needs.ipAddresses) {
      const expanded = await withAddresses(arm, caches, endpoint.endpoint);
      endpoint = { readable: true, endpoint: expanded.endpoint };
      ipAddresses = expanded.source;
      ipAddressesUnavailable = expanded.unreadable;
    }
  } else if (wanted) {
    ipAddresses = 'none';
  }

  const message = consumerRequestMessage(facts.requestMessage, endpoint?.readable === true ? endpoint.endpoint : undefined, target);
  let requestMessage: RequestMessageSource = message.source;
  if (message.source === 'none') {
    if (endpoint === undefined) requestMessage = wanted ? 'none' : 'not-read';
    else if (!endpoint.readable) requestMessage = 'unreadable';
  }
  const result: ConsumerFacts = { endpoint, requestMessage: message.message, sources: { ipAddresses, requestMessage } };
  if (ipAddressesUnavailable !== undefined) result.ipAddressesUnavailable = ipAddressesUnavailable;
  return result;
}
