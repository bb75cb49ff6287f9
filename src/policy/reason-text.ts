/**
 * The wording of the reasons a verdict gives, in one place: tests, `linkgate explain` and rule
 * coverage (src/policy-tests/rule-coverage.ts) read them, so each starts with the rule's field name.
 * They are built only for a rule that decided or could not be checked, never for a rule that
 * simply did not match.
 */

const MESSAGE_PREVIEW = 80;

/** Consumer-controlled text inside a reason: quoted, control characters escaped, length-capped. */
export function quoteUntrusted(value: string): string {
  const cut = value.length > MESSAGE_PREVIEW ? value.slice(0, MESSAGE_PREVIEW) + '…' : value;
  return JSON.stringify(cut);
}

export const NO_APPROVAL_MATCHED = 'no approval rule matched';
export const OTHERWISE_REJECT = 'otherwise: reject';
export const OTHERWISE_MANUAL = 'otherwise: manual (left Pending)';
export const LEFT_FOR_REVIEW = 'left Pending for manual review';
export const VISIBILITY_UNCHECKED = 'visibility could not be checked: the consumer subscription is unknown';
export const AUTO_APPROVAL_UNCHECKED = 'autoApproval not checked: the connection names no private endpoint in a subscription';
export const TRUSTED_TENANTS_UNCHECKED = 'trustedTenants not checked: the consumer tenant is unknown';

/**
 * `rule: consumer subscription {guid} is listed`, by + of strings the compiler knows are strings:
 * a template literal with an operand typed string | undefined went through the ToString builtin
 * (3.6% of the bench's distinct-case profile, with the other reasons built so).
 */
export function subscriptionListed(rule: string, subscription: string): string {
  return rule + ': consumer subscription ' + subscription + ' is listed';
}

/** `rule: what matched` (the + form, as subscriptionListed). */
export function ruleSays(rule: string, what: string): string {
  return rule + ': ' + what;
}

export function ipInBlock(ip: string, block: string): string {
  return 'endpoint IP ' + ip + ' is in ' + block;
}

export function subnetMatches(subnetId: string, pattern: string): string {
  return 'endpoint subnet ' + subnetId + ' matches ' + pattern;
}

export function subscriptionNotVisible(subscription: string): string {
  return 'visibility: consumer subscription ' + subscription + ' is not listed';
}

export function requestMessageFailed(message: string, source: string): string {
  return `requestMessage: ${quoteUntrusted(message)} does not match /${source}/`;
}

export function connectionLimitUnchecked(limit: number): string {
  return `connectionLimit ${limit} not checked: the target's connections were not given`;
}

export function connectionLimitReached(limit: number, consumer: string | undefined, approved: number): string {
  return `connectionLimit ${limit} reached: consumer subscription ${consumer ?? '?'} already has ${approved} Approved connection(s) on this target`;
}

export function denyUnchecked(conditions: readonly string[]): string {
  return `a deny condition could not be checked: ${conditions.join('; ')}`;
}

export function overrides(decision: string, policy: string): string {
  return `overrides ${decision} by policy '${policy}'`;
}
