/** Test oracle: src/policy/case-context.ts as it was before issue 12's evaluation work (see evaluate.ts here). */
import { canonicalKeyOf } from './arm-id.js';
import type { CidrIndex } from './cidr-index.js';
import { parseIpv4 } from './ip-address.js';
import { connectionFacts, consumerRequestMessage, endpointFacts, leadingSubscription } from './connection-facts.js';
import type { EvaluationCase } from '../../../src/policy/types.js';

/** Azure caps a request message at 140 characters; anything far longer is not one. */
const MAX_MESSAGE_MATCHED = 1024;
const UNREAD = -2;

/** The consumer endpoint with its derived keys computed once, however many policies ask. */
export class EndpointView {
  readonly subnetId: string | undefined;
  readonly ipAddresses: string[];
  /** parseIpv4 of each address (-1: not IPv4), filled on first use. */
  private ipv4: number[] | undefined;
  private key: string | undefined | null = null;
  private subscription: string | undefined | null = null;

  constructor(endpoint: unknown) {
    const facts = endpointFacts(endpoint);
    this.subnetId = facts.subnetId;
    this.ipAddresses = facts.ipAddresses;
  }

  /** The block of `cidrs` holding the i-th address; IPv4 text is parsed once per decision, not per list. */
  cidrOf<E>(cidrs: CidrIndex<E>, i: number): E | undefined {
    if (this.ipv4 === undefined) {
      this.ipv4 = [];
      for (const ip of this.ipAddresses) this.ipv4.push(parseIpv4(ip));
    }
    const v4 = this.ipv4[i]!;
    return v4 >= 0 ? cidrs.matchIpv4(v4) : cidrs.match(this.ipAddresses[i]!);
  }

  subnetKey(): string | undefined {
    if (this.key === null) this.key = this.subnetId === undefined ? undefined : canonicalKeyOf(this.subnetId);
    return this.key;
  }

  subnetSubscription(): string | undefined {
    if (this.subscription === null) this.subscription = leadingSubscription(this.subnetId);
    return this.subscription;
  }
}

export class CaseContext {
  readonly consumer: string | undefined;
  readonly connectionId: string;
  readonly tenant: string | undefined;
  private readonly input: EvaluationCase;
  private readonly providerDescription: string;
  private readonly target: string;
  private message: string | undefined;
  private endpointRead = false;
  private endpoint: EndpointView | undefined;
  private approvedCount = UNREAD;

  constructor(input: EvaluationCase, connectionId: string, consumer: string | undefined, providerDescription: string, target: string) {
    this.input = input;
    this.connectionId = connectionId;
    this.consumer = consumer;
    this.providerDescription = providerDescription;
    this.target = target;
    this.tenant = typeof input.consumerTenantId === 'string' ? input.consumerTenantId.toLowerCase() : undefined;
  }

  /**
   * The consumer's own message: a service default on the provider side is not theirs, theirs is
   * then on their endpoint (DESIGN §9). Read only when a requestMessage rule has to judge it.
   */
  requestMessage(): string {
    this.message ??= consumerRequestMessage(this.providerDescription, this.input.privateEndpoint, this.target).message;
    return this.message;
  }

  /** Bounding the input bounds the work of any pattern the validator let through. */
  requestMessageForMatching(): string {
    const message = this.requestMessage();
    return message.length > MAX_MESSAGE_MATCHED ? message.slice(0, MAX_MESSAGE_MATCHED) : message;
  }

  /** The consumer endpoint's subnet and IPs, or undefined when it was not given or not readable. */
  endpointFacts(): EndpointView | undefined {
    if (!this.endpointRead) {
      this.endpointRead = true;
      const ep = this.input.privateEndpoint;
      this.endpoint = typeof ep === 'object' && ep !== null ? new EndpointView(ep) : undefined;
    }
    return this.endpoint;
  }

  /** Why a readable endpoint offers no IP: the pipeline says when its network interface could not be read. */
  addressesMissingReason(): string {
    return this.input.ipAddressesUnavailable ?? 'the endpoint reports no private IP address';
  }

  endpointMissingReason(): string {
    return this.input.privateEndpointUnavailable ?? 'the consumer private endpoint was not read';
  }

  /** Approved connections of the same consumer subscription on the target, this one excluded; undefined when unknown. */
  approvedByConsumer(): number | undefined {
    if (this.approvedCount !== UNREAD) return this.approvedCount < 0 ? undefined : this.approvedCount;
    const siblings = this.input.targetConnections;
    if (!Array.isArray(siblings) || this.consumer === undefined) {
      this.approvedCount = -1;
      return undefined;
    }
    const self = this.connectionId.toLowerCase();
    let count = 0;
    for (const sibling of siblings) {
      const facts = connectionFacts(sibling);
      if (facts.status?.toLowerCase() !== 'approved' || facts.consumerSubscriptionId !== this.consumer) continue;
      if (facts.connectionId !== undefined && facts.connectionId.toLowerCase() === self) continue;
      count++;
    }
    this.approvedCount = count;
    return count;
  }
}
