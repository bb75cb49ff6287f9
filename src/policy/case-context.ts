/**
 * What the policies may ask about one case, each fact read from the ARM JSON at most once per
 * decision however many policies ask: the endpoint's subnet, IPs (parsed to numbers once), the
 * subnet's subscription and canonical key, the consumer's request message, the count of its
 * approved sibling connections. A fact no governing policy asks for is never computed.
 *
 * One object per decision holds them all (the endpoint's facts too, rather than an object of
 * their own): a decision is a few hundred nanoseconds, and each object it allocates shows.
 */
import { canonicalKeyOf } from '../ids/arm-id.js';
import type { CidrIndex } from '../net/cidr-index.js';
import { parseIpv4 } from '../net/ip-address.js';
import { flagsFor, type SubscriptionEntry, type SubscriptionIndex } from './subscription-index.js';
import { connectionFacts, consumerRequestMessage, endpointAddresses, endpointSubnetId, leadingSubscription, record } from './connection-facts.js';
import type { EvaluationCase } from './types.js';

/** Azure caps a request message at 140 characters; anything far longer is not one. */
const MAX_MESSAGE_MATCHED = 1024;
const UNREAD = -2;
const NO_ADDRESSES: readonly string[] = Object.freeze([]);
const PREFIX = '/subscriptions/';
const GUID_END = PREFIX.length + 36;

export class CaseContext {
  readonly connectionId: string;
  private readonly endpointId: string | undefined;
  private consumerValue: string | undefined | null = null;
  readonly tenant: string | undefined;
  /** The consumer endpoint's subnet ID and IPs: filled by endpointReadable(), when it answers true. */
  subnetId: string | undefined = undefined;
  ipAddresses: readonly string[] = NO_ADDRESSES;
  private readonly input: EvaluationCase;
  private readonly subscriptions: SubscriptionIndex;
  private consumerEntry: SubscriptionEntry | undefined | null = null;
  private subnetEntry: SubscriptionEntry | undefined | null = null;
  private readonly providerDescription: string;
  private readonly target: string;
  private message: string | undefined;
  /** 0 not read yet, 1 readable, 2 not given or not an object. */
  private endpointState = 0;
  /** parseIpv4 of each address (-1: not IPv4), filled on first use. */
  private ipv4: number[] | undefined;
  private key: string | undefined | null = null;
  private subscription: string | undefined | null = null;
  private approvedCount = UNREAD;

  constructor(input: EvaluationCase, subscriptions: SubscriptionIndex, connectionId: string, endpointId: string | undefined, providerDescription: string, target: string) {
    this.input = input;
    this.subscriptions = subscriptions;
    this.connectionId = connectionId;
    this.endpointId = endpointId;
    this.providerDescription = providerDescription;
    this.target = target;
    this.tenant = typeof input.consumerTenantId === 'string' ? input.consumerTenantId.toLowerCase() : undefined;
  }

  /** Lower-case subscription GUID of the consumer's private endpoint; checked only when a policy asks. */
  get consumer(): string | undefined {
    if (this.consumerValue === null) this.consumerValue = leadingSubscription(this.endpointId);
    return this.consumerValue;
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

  /** Whether the consumer endpoint was given and readable; reads its subnet and IPs on first ask. */
  endpointReadable(): boolean {
    if (this.endpointState === 0) {
      const ep = this.input.privateEndpoint;
      if (typeof ep === 'object' && ep !== null) {
        const properties = record(record(ep)?.['properties']);
        this.subnetId = endpointSubnetId(properties);
        this.ipAddresses = endpointAddresses(properties);
        this.endpointState = 1;
      } else {
        this.endpointState = 2;
      }
    }
    return this.endpointState === 1;
  }

  /** The block of `cidrs` holding the i-th address; IPv4 text is parsed once per decision, not per list. */
  cidrOf<E>(cidrs: CidrIndex<E>, i: number): E | undefined {
    // Built at its final size (a list grown by push allocates room for 17).
    this.ipv4 ??= this.ipAddresses.length === 1 ? [parseIpv4(this.ipAddresses[0]!)] : this.ipAddresses.map((ip) => parseIpv4(ip));
    const v4 = this.ipv4[i]!;
    return v4 >= 0 ? cidrs.matchIpv4(v4) : cidrs.match(this.ipAddresses[i]!);
  }

  subnetKey(): string | undefined {
    if (this.key === null) this.key = this.subnetId === undefined ? undefined : canonicalKeyOf(this.subnetId);
    return this.key;
  }

  /**
   * The subnet's subscription. A consumer's endpoint usually sits in a subnet of its own
   * subscription: when the subnet ID starts with the same text, that is the answer already read.
   */
  subnetSubscription(): string | undefined {
    if (this.subscription === null) {
      const id = this.subnetId;
      // Compared by slices (a memcmp): startsWith measured ~200 ns a call here, with a sliced argument.
      const sameAsConsumer =
        this.consumer !== undefined && id !== undefined && (id.length === GUID_END || id.charCodeAt(GUID_END) === 47) && id.slice(PREFIX.length, GUID_END) === this.consumer && id.slice(0, PREFIX.length) === PREFIX;
      this.subscription = sameAsConsumer ? this.consumer : leadingSubscription(id);
    }
    return this.subscription;
  }

  /** Which lists of the policy at `position` name the consumer (subscription-index.ts flags); 0 when it is unknown. */
  consumerFlags(position: number): number {
    if (this.consumerEntry === null) this.consumerEntry = this.consumer === undefined ? undefined : this.subscriptions.find(this.consumer);
    return flagsFor(this.consumerEntry, position);
  }

  /** The same for the subnet's subscription; 0 when it is unknown. */
  subnetSubscriptionFlags(position: number): number {
    const subscription = this.subnetSubscription();
    if (subscription === undefined) return 0;
    if (subscription === this.consumer) return this.consumerFlags(position);
    if (this.subnetEntry === null) this.subnetEntry = this.subscriptions.find(subscription);
    return flagsFor(this.subnetEntry, position);
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
