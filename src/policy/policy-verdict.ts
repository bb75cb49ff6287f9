/**
 * One policy's verdict on one case (DESIGN §2). The first rule that applies wins: deny → reject;
 * outside visibility → reject; autoApproval / trustedSubnets / trustedTenants → approve, held at
 * manual when requestMessage fails, connectionLimit is reached, or a deny or visibility condition
 * could not be checked; else `otherwise`.
 *
 * Whether a list names the consumer's subscription is read from the set's SubscriptionIndex (one
 * lookup per decision, whatever the number of lists); the policy's own Sets say only whether a list is empty.
 */
import type { CompiledPolicy } from './compile-policies.js';
import type { CaseContext } from './case-context.js';
import { matchSubnet } from './subnet-match.js';
import { AUTO_APPROVED, DENIED, DENIED_SUBNET_PATTERNS, TRUSTED_SUBNET_PATTERNS, VISIBLE } from './subscription-index.js';
import * as text from './reason-text.js';
import type { DecisionKind } from './types.js';

/** One policy's verdict, with its rank in the cross-policy precedence. */
export interface PolicyVerdict {
  policy: string;
  mode: 'enforce' | 'audit';
  decision: Exclude<DecisionKind, 'ignore'>;
  /** 4 explicit reject (deny, visibility) · 3 approve · 2 otherwise: reject · 1 manual. */
  rank: 1 | 2 | 3 | 4;
  reasons: string[];
}

function verdict(policy: CompiledPolicy, decision: PolicyVerdict['decision'], rank: PolicyVerdict['rank'], reasons: string[]): PolicyVerdict {
  return { policy: policy.name, mode: policy.mode, decision, rank, reasons };
}

/** Deny conditions that could not be checked, in rule order; undefined when every one was (the usual case). */
type Unchecked = string[] | undefined;

function note(list: Unchecked, reason: string): string[] {
  if (list === undefined) return [reason];
  list.push(reason);
  return list;
}

/** Step 1, deny: a reject verdict, or the deny conditions that could not be checked. */
function checkDeny(policy: CompiledPolicy, ctx: CaseContext): PolicyVerdict | Unchecked {
  let unchecked: Unchecked;
  if (policy.denySubscriptions.size > 0) {
    if (!ctx.hasConsumer()) unchecked = note(unchecked, 'deny.subscriptions (consumer subscription unknown)');
    else if ((ctx.consumerFlags(policy.position) & DENIED) !== 0) return verdict(policy, 'reject', 4, [text.subscriptionListed('deny.subscriptions', ctx.consumerText())]);
  }
  if (policy.denyTenants.size > 0) {
    if (ctx.tenant === undefined) unchecked = note(unchecked, 'deny.tenants (consumer tenant unknown)');
    else if (policy.denyTenants.has(ctx.tenant)) return verdict(policy, 'reject', 4, [`deny.tenants: consumer tenant ${ctx.tenant} is listed`]);
  }
  if (policy.denySubnets.size > 0) {
    if (!ctx.endpointReadable()) unchecked = note(unchecked, `deny.subnets (${ctx.endpointMissingReason()})`);
    else {
      const hit = matchSubnet(policy.denySubnets, ctx, policy.position, DENIED_SUBNET_PATTERNS);
      if (hit !== undefined) return verdict(policy, 'reject', 4, [text.ruleSays('deny.subnets', hit)]);
      // A readable endpoint may still lack what a deny entry needs (no static IP, no subnet):
      // then that entry was not checked, and an approval must not pass over it.
      if (policy.denySubnets.cidrs.size > 0 && ctx.ipAddresses.length === 0) unchecked = note(unchecked, `deny.subnets (${ctx.addressesMissingReason()})`);
      if (policy.denySubnets.patterns.size > 0 && ctx.subnetId === undefined) unchecked = note(unchecked, 'deny.subnets (the endpoint reports no subnet)');
    }
  }
  return unchecked;
}

/**
 * Step 3, approval rules: the reason of the rule that approved (a string), else what could not be
 * checked (a list, made only when there is something to say: most decisions have nothing).
 */
function findApproval(policy: CompiledPolicy, ctx: CaseContext): string | Unchecked {
  let notes: Unchecked;
  if (policy.autoApproval.size > 0) {
    if (!ctx.hasConsumer()) notes = note(notes, text.AUTO_APPROVAL_UNCHECKED);
    else if ((ctx.consumerFlags(policy.position) & AUTO_APPROVED) !== 0) return text.subscriptionListed('autoApproval', ctx.consumerText());
  }
  if (policy.trustedSubnets.size > 0) {
    if (!ctx.endpointReadable()) notes = note(notes, `trustedSubnets not checked: ${ctx.endpointMissingReason()}`);
    else {
      const hit = matchSubnet(policy.trustedSubnets, ctx, policy.position, TRUSTED_SUBNET_PATTERNS);
      if (hit !== undefined) return text.ruleSays('trustedSubnets', hit);
      if (policy.trustedSubnets.cidrs.size > 0 && ctx.ipAddresses.length === 0) notes = note(notes, `trustedSubnets CIDRs not checked: ${ctx.addressesMissingReason()}`);
    }
  }
  if (policy.trustedTenants.size > 0) {
    if (ctx.tenant === undefined) notes = note(notes, text.TRUSTED_TENANTS_UNCHECKED);
    else if (policy.trustedTenants.has(ctx.tenant)) return `trustedTenants: consumer tenant ${ctx.tenant} is listed`;
  }
  return notes;
}

/** What holds an approval at manual review; the request message is read and matched only here. */
function holdsOn(policy: CompiledPolicy, ctx: CaseContext, unchecked: Unchecked, visibilityUnchecked: boolean): string[] | undefined {
  let held: string[] | undefined;
  if (policy.requestMessage !== undefined && !policy.requestMessage.test(ctx.requestMessageForMatching())) {
    held = note(held, text.requestMessageFailed(ctx.requestMessage(), policy.requestMessage.source));
  }
  if (policy.connectionLimit !== undefined) {
    const approved = ctx.approvedByConsumer();
    if (approved === undefined) held = note(held, text.connectionLimitUnchecked(policy.connectionLimit));
    else if (approved >= policy.connectionLimit) held = note(held, text.connectionLimitReached(policy.connectionLimit, ctx.consumer, approved));
  }
  if (unchecked !== undefined) held = note(held, text.denyUnchecked(unchecked));
  if (visibilityUnchecked) held = note(held, text.VISIBILITY_UNCHECKED);
  return held;
}

export function evaluatePolicy(policy: CompiledPolicy, ctx: CaseContext): PolicyVerdict {
  // 1. deny overrides everything.
  const denied = checkDeny(policy, ctx);
  if (denied !== undefined && !Array.isArray(denied)) return denied;
  const unchecked = denied;

  // 2. visibility.
  let visibilityUnchecked = false;
  if (policy.visibility !== undefined && policy.visibility !== 'all') {
    if (!ctx.hasConsumer()) visibilityUnchecked = true;
    else if ((ctx.consumerFlags(policy.position) & VISIBLE) === 0) return verdict(policy, 'reject', 4, [text.subscriptionNotVisible(ctx.consumerText())]);
  }

  // 3. approval rules.
  const approval = findApproval(policy, ctx);
  if (typeof approval === 'string') {
    const approvedBy = approval;
    const held = holdsOn(policy, ctx, unchecked, visibilityUnchecked);
    if (held === undefined) return verdict(policy, 'approve', 3, [approvedBy]);
    held.unshift(approvedBy);
    held.push(text.LEFT_FOR_REVIEW);
    return verdict(policy, 'manual', 1, held);
  }

  // 4. otherwise (the reasons as literals when nothing else is said: no list grown by pushes).
  const reject = policy.otherwise === 'reject';
  const last = reject ? text.OTHERWISE_REJECT : text.OTHERWISE_MANUAL;
  const notes = approval === undefined ? [text.NO_APPROVAL_MATCHED, last] : note(approval, last);
  return reject ? verdict(policy, 'reject', 2, notes) : verdict(policy, 'manual', 1, notes);
}
