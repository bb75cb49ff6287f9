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
import { GUID_WORDS, leadingGuid, leadingGuidText, NOT_GUID } from '../ids/leading-subscription.js';
import type { SubscriptionIndex } from './subscription-index.js';
import { connectionFacts, consumerRequestMessage, endpointAddresses, endpointSubnetId, record } from './connection-facts.js';
import type { EvaluationCase } from './types.js';

/** Azure caps a request message at 140 characters; anything far longer is not one. */
const MAX_MESSAGE_MATCHED = 1024;
const UNREAD = -2;
const NO_ADDRESSES: readonly string[] = Object.freeze([]);
/** subnetSlot when the subnet is in the consumer's subscription. */
const SAME_AS_CONSUMER = -3;

export class CaseContext {
  readonly connectionId: string;
  private readonly endpointId: string | undefined;
  /** leadingGuid's answer for the endpoint ID (UNREAD until asked), and the GUID's words. */
  private consumerKind = UNREAD;
  private c0 = 0;
  private c1 = 0;
  private c2 = 0;
  private c3 = 0;
  private consumerValue: string | undefined = undefined;
  readonly tenant: string | undefined;
  /** The consumer endpoint's subnet ID and IPs: filled by endpointReadable(), when it answers true. */
  subnetId: string | undefined = undefined;
  ipAddresses: readonly string[] = NO_ADDRESSES;
  private readonly input: EvaluationCase;
  private readonly subscriptions: SubscriptionIndex;
  /** SubscriptionIndex slots (-1: not listed or unknown), UNREAD until asked. */
  private consumerSlot = UNREAD;
  private subnetSlot = UNREAD;
  private readonly providerDescription: string;
  private readonly target: string;
  private message: string | undefined;
  /** 0 not read yet, 1 readable, 2 not given or not an object. */
  private endpointState = 0;
  /** parseIpv4 of each address (-1: not IPv4), filled on first use. */
  private ipv4: number[] | undefined;
  private key: string | undefined | null = null;
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

  /** Whether the consumer endpoint's ID names a subscription; reads its GUID as numbers on first ask. */
  hasConsumer(): boolean {
    if (this.consumerKind === UNREAD) {
      this.consumerKind = this.endpointId === undefined ? NOT_GUID : leadingGuid(this.endpointId);
      if (this.consumerKind !== NOT_GUID) {
        this.c0 = GUID_WORDS[0]!;
        this.c1 = GUID_WORDS[1]!;
        this.c2 = GUID_WORDS[2]!;
        this.c3 = GUID_WORDS[3]!;
      }
    }
    return this.consumerKind !== NOT_GUID;
  }

  /** Lower-case subscription GUID of the consumer's private endpoint, as text: cut only for a reason that names it. */
  get consumer(): string | undefined {
    return this.hasConsumer() ? this.consumerText() : undefined;
  }

  /** The consumer's subscription as text; only when hasConsumer(). */
  consumerText(): string {
    this.consumerValue ??= leadingGuidText(this.endpointId!, this.consumerKind);
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

  /** Which lists of the policy at `position` name the consumer (subscription-index.ts flags); 0 when it is unknown. */
  consumerFlags(position: number): number {
    if (this.consumerSlot === UNREAD) this.consumerSlot = this.hasConsumer() ? this.subscriptions.find(this.c0, this.c1, this.c2, this.c3) : -1;
    return this.subscriptions.flags(this.consumerSlot, position);
  }

  /**
   * The same for the subnet's subscription; 0 when it is unknown. A consumer's endpoint usually
   * sits in a subnet of its own subscription: then it is the consumer's lookup, already made.
   */
  subnetSubscriptionFlags(position: number): number {
    if (this.subnetSlot === UNREAD) {
      const consumer = this.hasConsumer();
      const id = this.subnetId;
      if (id === undefined || leadingGuid(id) === NOT_GUID) this.subnetSlot = -1;
      else if (consumer && GUID_WORDS[0] === this.c0 && GUID_WORDS[1] === this.c1 && GUID_WORDS[2] === this.c2 && GUID_WORDS[3] === this.c3) this.subnetSlot = SAME_AS_CONSUMER;
      else this.subnetSlot = this.subscriptions.find(GUID_WORDS[0]!, GUID_WORDS[1]!, GUID_WORDS[2]!, GUID_WORDS[3]!);
    }
    return this.subnetSlot === SAME_AS_CONSUMER ? this.consumerFlags(position) : this.subscriptions.flags(this.subnetSlot, position);
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
