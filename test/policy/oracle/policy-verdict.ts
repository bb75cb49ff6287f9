/** Test oracle: src/policy/policy-verdict.ts as it was before issue 12's evaluation work (see evaluate.ts here). */
import type { CompiledPolicy } from './compile-policies.js';
import type { CaseContext } from './case-context.js';
import { matchSubnet } from './subnet-match.js';
import * as text from './reason-text.js';
import type { DecisionKind } from '../../../src/policy/types.js';

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
  const consumer = ctx.consumer;
  if (policy.denySubscriptions.size > 0) {
    if (consumer === undefined) unchecked = note(unchecked, 'deny.subscriptions (consumer subscription unknown)');
    else if (policy.denySubscriptions.has(consumer)) return verdict(policy, 'reject', 4, [`deny.subscriptions: consumer subscription ${consumer} is listed`]);
  }
  if (policy.denyTenants.size > 0) {
    if (ctx.tenant === undefined) unchecked = note(unchecked, 'deny.tenants (consumer tenant unknown)');
    else if (policy.denyTenants.has(ctx.tenant)) return verdict(policy, 'reject', 4, [`deny.tenants: consumer tenant ${ctx.tenant} is listed`]);
  }
  if (policy.denySubnets.size > 0) {
    const endpoint = ctx.endpointFacts();
    if (endpoint === undefined) unchecked = note(unchecked, `deny.subnets (${ctx.endpointMissingReason()})`);
    else {
      const hit = matchSubnet(policy.denySubnets, endpoint);
      if (hit !== undefined) return verdict(policy, 'reject', 4, [`deny.subnets: ${hit}`]);
      // A readable endpoint may still lack what a deny entry needs (no static IP, no subnet):
      // then that entry was not checked, and an approval must not pass over it.
      if (policy.denySubnets.cidrs.size > 0 && endpoint.ipAddresses.length === 0) unchecked = note(unchecked, `deny.subnets (${ctx.addressesMissingReason()})`);
      if (policy.denySubnets.patterns.size > 0 && endpoint.subnetId === undefined) unchecked = note(unchecked, 'deny.subnets (the endpoint reports no subnet)');
    }
  }
  return unchecked;
}

/** Step 3, approval rules: the reason of the rule that approved, or undefined with what could not be checked in `notes`. */
function findApproval(policy: CompiledPolicy, ctx: CaseContext, notes: string[]): string | undefined {
  const consumer = ctx.consumer;
  if (policy.autoApproval.size > 0) {
    if (consumer === undefined) notes.push(text.AUTO_APPROVAL_UNCHECKED);
    else if (policy.autoApproval.has(consumer)) return `autoApproval: consumer subscription ${consumer} is listed`;
  }
  if (policy.trustedSubnets.size > 0) {
    const endpoint = ctx.endpointFacts();
    if (endpoint === undefined) notes.push(`trustedSubnets not checked: ${ctx.endpointMissingReason()}`);
    else {
      const hit = matchSubnet(policy.trustedSubnets, endpoint);
      if (hit !== undefined) return `trustedSubnets: ${hit}`;
      if (policy.trustedSubnets.cidrs.size > 0 && endpoint.ipAddresses.length === 0) notes.push(`trustedSubnets CIDRs not checked: ${ctx.addressesMissingReason()}`);
    }
  }
  if (policy.trustedTenants.size > 0) {
    if (ctx.tenant === undefined) notes.push(text.TRUSTED_TENANTS_UNCHECKED);
    else if (policy.trustedTenants.has(ctx.tenant)) return `trustedTenants: consumer tenant ${ctx.tenant} is listed`;
  }
  return undefined;
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
    if (ctx.consumer === undefined) visibilityUnchecked = true;
    else if (!policy.visibility.has(ctx.consumer)) return verdict(policy, 'reject', 4, [`visibility: consumer subscription ${ctx.consumer} is not listed`]);
  }

  // 3. approval rules.
  const notes: string[] = [];
  const approvedBy = findApproval(policy, ctx, notes);
  if (approvedBy !== undefined) {
    const held = holdsOn(policy, ctx, unchecked, visibilityUnchecked);
    if (held === undefined) return verdict(policy, 'approve', 3, [approvedBy]);
    held.unshift(approvedBy);
    held.push(text.LEFT_FOR_REVIEW);
    return verdict(policy, 'manual', 1, held);
  }

  // 4. otherwise.
  if (notes.length === 0) notes.push(text.NO_APPROVAL_MATCHED);
  if (policy.otherwise === 'reject') {
    notes.push(text.OTHERWISE_REJECT);
    return verdict(policy, 'reject', 2, notes);
  }
  notes.push(text.OTHERWISE_MANUAL);
  return verdict(policy, 'manual', 1, notes);
}
