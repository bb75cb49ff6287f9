/**
 * The decision for one connection (DESIGN §2), pure and total: any input, however malformed,
 * yields a Decision and never an exception, and nothing is approved on missing data.
 *
 * Per policy, the first rule that applies wins: deny → reject; outside visibility → reject;
 * autoApproval / trustedSubnets / trustedTenants → approve, held at manual when requestMessage
 * fails, connectionLimit is reached, or a deny or visibility condition could not be checked; else
 * `otherwise`.
 * Across enforce policies: explicit reject > approve > otherwise-reject > manual.
 */
import type { CompiledPolicy, CompiledPolicySet, SubnetMatcher } from './compile-policies.js';
import { connectionFacts, consumerRequestMessage, endpointFacts, leadingSubscription, type EndpointFacts } from './connection-facts.js';
import type { Decision, DecisionKind, EvaluationCase, ShadowResult } from './types.js';
import { canonicalKeyOf } from '../ids/arm-id.js';

/** One policy's verdict, with its rank in the cross-policy precedence. */
export interface PolicyVerdict {
  policy: string;
  mode: 'enforce' | 'audit';
  decision: Exclude<DecisionKind, 'ignore'>;
  /** 4 explicit reject (deny, visibility) · 3 approve · 2 otherwise: reject · 1 manual. */
  rank: 1 | 2 | 3 | 4;
  reasons: string[];
}

const MESSAGE_PREVIEW = 80;
const MAX_MESSAGE_MATCHED = 1024;

/** Consumer-controlled text inside a reason: quoted, control characters escaped, length-capped. */
export function quoteUntrusted(value: string): string {
  const cut = value.length > MESSAGE_PREVIEW ? value.slice(0, MESSAGE_PREVIEW) + '…' : value;
  return JSON.stringify(cut);
}

/** The consumer endpoint with its subnet key computed once, however many policies ask. */
class EndpointView {
  readonly subnetId: string | undefined;
  readonly ipAddresses: string[];
  private key: string | undefined | null = null;
  constructor(facts: EndpointFacts) {
    this.subnetId = facts.subnetId;
    this.ipAddresses = facts.ipAddresses;
  }
  subnetKey(): string | undefined {
    if (this.key === null) this.key = this.subnetId === undefined ? undefined : canonicalKeyOf(this.subnetId);
    return this.key;
  }
}

/** What the policies may ask about the case, computed at most once per decision. */
class CaseContext {
  readonly consumer: string | undefined;
  readonly requestMessage: string;
  readonly connectionId: string;
  readonly tenant: string | undefined;
  private endpointRead = false;
  private endpoint: EndpointView | undefined;
  private approvedCount: number | undefined;
  private readonly input: EvaluationCase;

  constructor(input: EvaluationCase, connectionId: string, consumer: string | undefined, requestMessage: string) {
    this.input = input;
    this.connectionId = connectionId;
    this.consumer = consumer;
    this.requestMessage = requestMessage;
    this.tenant = typeof input.consumerTenantId === 'string' ? input.consumerTenantId.toLowerCase() : undefined;
  }

  /** The consumer endpoint's subnet and IPs, or undefined when it was not given or not readable. */
  endpointFacts(): EndpointView | undefined {
    if (!this.endpointRead) {
      this.endpointRead = true;
      const ep = this.input.privateEndpoint;
      this.endpoint = typeof ep === 'object' && ep !== null ? new EndpointView(endpointFacts(ep)) : undefined;
    }
    return this.endpoint;
  }

  /**
   * Azure caps a request message at 140 characters; anything far longer is not one, and bounding
   * the input bounds the work of any regex the validator let through.
   */
  requestMessageForMatching(): string {
    return this.requestMessage.length > MAX_MESSAGE_MATCHED ? this.requestMessage.slice(0, MAX_MESSAGE_MATCHED) : this.requestMessage;
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
    if (this.approvedCount !== undefined) return this.approvedCount;
    const siblings = this.input.targetConnections;
    if (!Array.isArray(siblings) || this.consumer === undefined) return undefined;
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

/**
 * The first subnet entry the endpoint matches: its IPs against the CIDR blocks (a number and a
 * binary search), then its subnet ID against the patterns, skipped at once when the subnet's
 * subscription is not one any pattern names.
 */
function matchSubnet(matcher: SubnetMatcher, endpoint: EndpointView): string | undefined {
  if (matcher.cidrs.size > 0) {
    for (const ip of endpoint.ipAddresses) {
      const block = matcher.cidrs.match(ip);
      if (block !== undefined) return `endpoint IP ${ip} is in ${block}`;
    }
  }
  if (endpoint.subnetId !== undefined && matcher.patterns.size > 0) {
    const subscriptions = matcher.patterns.subscriptions;
    if (subscriptions !== undefined) {
      const subscription = leadingSubscription(endpoint.subnetId);
      if (subscription === undefined || !subscriptions.has(subscription)) return undefined;
    }
    const key = endpoint.subnetKey();
    if (key !== undefined) {
      const entry = matcher.patterns.findFirst(key);
      if (entry !== undefined) return `endpoint subnet ${endpoint.subnetId} matches ${entry}`;
    }
  }
  return undefined;
}

function verdict(policy: CompiledPolicy, decision: PolicyVerdict['decision'], rank: PolicyVerdict['rank'], reasons: string[]): PolicyVerdict {
  return { policy: policy.name, mode: policy.mode, decision, rank, reasons };
}

export function evaluatePolicy(policy: CompiledPolicy, ctx: CaseContext): PolicyVerdict {
  const consumer = ctx.consumer;
  const unchecked: string[] = [];
  let visibilityUnchecked = false;

  // 1. deny overrides everything.
  if (policy.denySubscriptions.size > 0) {
    if (consumer === undefined) unchecked.push('deny.subscriptions (consumer subscription unknown)');
    else if (policy.denySubscriptions.has(consumer)) return verdict(policy, 'reject', 4, [`deny.subscriptions: consumer subscription ${consumer} is listed`]);
  }
  if (policy.denyTenants.size > 0) {
    if (ctx.tenant === undefined) unchecked.push('deny.tenants (consumer tenant unknown)');
    else if (policy.denyTenants.has(ctx.tenant)) return verdict(policy, 'reject', 4, [`deny.tenants: consumer tenant ${ctx.tenant} is listed`]);
  }
  if (policy.denySubnets.size > 0) {
    const endpoint = ctx.endpointFacts();
    if (endpoint === undefined) unchecked.push(`deny.subnets (${ctx.endpointMissingReason()})`);
    else {
      const hit = matchSubnet(policy.denySubnets, endpoint);
      if (hit !== undefined) return verdict(policy, 'reject', 4, [`deny.subnets: ${hit}`]);
      // A readable endpoint may still lack what a deny entry needs (no static IP, no subnet):
      // then that entry was not checked, and an approval must not pass over it.
      if (policy.denySubnets.cidrs.size > 0 && endpoint.ipAddresses.length === 0) unchecked.push(`deny.subnets (${ctx.addressesMissingReason()})`);
      if (policy.denySubnets.patterns.size > 0 && endpoint.subnetId === undefined) unchecked.push('deny.subnets (the endpoint reports no subnet)');
    }
  }

  // 2. visibility.
  if (policy.visibility !== undefined && policy.visibility !== 'all') {
    if (consumer === undefined) visibilityUnchecked = true;
    else if (!policy.visibility.has(consumer)) {
      return verdict(policy, 'reject', 4, [`visibility: consumer subscription ${consumer} is not listed`]);
    }
  }

  // 3. approval rules.
  const reasons: string[] = [];
  let approvedBy: string | undefined;
  if (policy.autoApproval.size > 0) {
    if (consumer === undefined) reasons.push('autoApproval not checked: the connection names no private endpoint in a subscription');
    else if (policy.autoApproval.has(consumer)) approvedBy = `autoApproval: consumer subscription ${consumer} is listed`;
  }
  if (approvedBy === undefined && policy.trustedSubnets.size > 0) {
    const endpoint = ctx.endpointFacts();
    if (endpoint === undefined) reasons.push(`trustedSubnets not checked: ${ctx.endpointMissingReason()}`);
    else {
      const hit = matchSubnet(policy.trustedSubnets, endpoint);
      if (hit !== undefined) approvedBy = `trustedSubnets: ${hit}`;
      else if (policy.trustedSubnets.cidrs.size > 0 && endpoint.ipAddresses.length === 0) reasons.push(`trustedSubnets CIDRs not checked: ${ctx.addressesMissingReason()}`);
    }
  }
  if (approvedBy === undefined && policy.trustedTenants.size > 0) {
    if (ctx.tenant === undefined) reasons.push('trustedTenants not checked: the consumer tenant is unknown');
    else if (policy.trustedTenants.has(ctx.tenant)) approvedBy = `trustedTenants: consumer tenant ${ctx.tenant} is listed`;
  }

  if (approvedBy !== undefined) {
    const held: string[] = [];
    if (policy.requestMessage !== undefined && !policy.requestMessage.test(ctx.requestMessageForMatching())) {
      held.push(`requestMessage: ${quoteUntrusted(ctx.requestMessage)} does not match /${policy.requestMessage.source}/`);
    }
    if (policy.connectionLimit !== undefined) {
      const approved = ctx.approvedByConsumer();
      if (approved === undefined) held.push(`connectionLimit ${policy.connectionLimit} not checked: the target's connections were not given`);
      else if (approved >= policy.connectionLimit) {
        held.push(`connectionLimit ${policy.connectionLimit} reached: consumer subscription ${consumer ?? '?'} already has ${approved} Approved connection(s) on this target`);
      }
    }
    if (unchecked.length > 0) held.push(`a deny condition could not be checked: ${unchecked.join('; ')}`);
    if (visibilityUnchecked) held.push('visibility could not be checked: the consumer subscription is unknown');
    if (held.length > 0) return verdict(policy, 'manual', 1, [approvedBy, ...held, 'left Pending for manual review']);
    return verdict(policy, 'approve', 3, [approvedBy]);
  }

  // 4. otherwise.
  if (reasons.length === 0) reasons.push('no approval rule matched');
  if (policy.otherwise === 'reject') return verdict(policy, 'reject', 2, [...reasons, 'otherwise: reject']);
  return verdict(policy, 'manual', 1, [...reasons, 'otherwise: manual (left Pending)']);
}

function ignore(connectionId: string, target: string | null, reason: string, shadow: ShadowResult[] = []): Decision {
  return { connectionId, target, decision: 'ignore', policy: null, reasons: [reason], shadow };
}

export interface EvaluationDetail {
  decision: Decision;
  /** Every governing policy's verdict (enforce and audit), in name order. */
  verdicts: PolicyVerdict[];
}

/** The decision plus every policy's verdict, for `linkgate explain`. */
export function evaluateWithDetail(compiled: CompiledPolicySet, input: EvaluationCase): EvaluationDetail {
  const verdicts: PolicyVerdict[] = [];
  return { decision: decide(compiled, input, verdicts), verdicts };
}

export function evaluate(compiled: CompiledPolicySet, input: EvaluationCase): Decision {
  return decide(compiled, input, undefined);
}

function decide(compiled: CompiledPolicySet, input: EvaluationCase, collect: PolicyVerdict[] | undefined): Decision {
  if (typeof input !== 'object' || input === null) return ignore('', null, 'the case is not an object');
  const facts = connectionFacts(input.connection);
  const connectionId = facts.connectionId ?? '';
  if (facts.connectionId === undefined) return ignore('', null, 'the connection has no id');
  const resolution = compiled.resolveConnection(connectionId);
  if ('error' in resolution) return ignore(connectionId, null, `the connection ID is not a private endpoint connection of a resource: ${resolution.error}`);
  const { target, plan } = resolution;
  if (!facts.isPending) {
    return ignore(connectionId, target, `the connection is ${facts.status === undefined ? 'without a status' : facts.status}, not Pending: nothing to decide`);
  }
  if (plan.enforce.length === 0 && plan.audit.length === 0) return ignore(connectionId, target, `no policy governs ${target}`);

  const consumer = facts.consumerSubscriptionId;
  // A service default on the provider side is not the consumer's message: theirs is on their endpoint (DESIGN §9).
  const ctx = new CaseContext(input, connectionId, consumer, consumerRequestMessage(facts.requestMessage, input.privateEndpoint, target).message);

  const shadow: ShadowResult[] = [];
  for (const policy of plan.audit) {
    const v = evaluatePolicy(policy, ctx);
    collect?.push(v);
    shadow.push({ policy: v.policy, decision: v.decision, reasons: v.reasons });
  }
  if (plan.enforce.length === 0) return ignore(connectionId, target, `no enforce policy governs ${target} (audit-mode policies only)`, shadow);

  let best: PolicyVerdict | undefined;
  let overridden: PolicyVerdict | undefined;
  for (const policy of plan.enforce) {
    const v = evaluatePolicy(policy, ctx);
    collect?.push(v);
    if (best === undefined || v.rank > best.rank) {
      if (best !== undefined && best.rank >= 2) overridden = best;
      best = v;
    } else if (overridden === undefined && v.rank >= 2 && v.rank < best.rank) {
      overridden = v;
    }
  }
  const winner = best as PolicyVerdict;
  const reasons = overridden === undefined ? winner.reasons : [...winner.reasons, `overrides ${overridden.decision} by policy '${overridden.policy}'`];
  return { connectionId, target, decision: winner.decision, policy: winner.policy, reasons, shadow };
}
