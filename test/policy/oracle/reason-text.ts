/** Test oracle: src/policy/reason-text.ts as it was before issue 12's evaluation work (see evaluate.ts here). */

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
