/**
 * The description linkgate writes back to ARM with a decision. Consumers see it in the portal,
 * so it names the policy and the first reason, is stripped of control characters (reasons can
 * quote consumer-controlled text) and is capped well under what providers accept.
 */
import { MAX_DESCRIPTION_LENGTH } from '../arm/write-request.js';
import type { Decision } from '../policy/types.js';

// The cap is the ARM write's (one constant); exported here too for callers that describe decisions.
export { MAX_DESCRIPTION_LENGTH };

export function sanitizeText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, ' ');
}

/** Any description bound for ARM: control characters out, capped at MAX_DESCRIPTION_LENGTH. */
export function capDescription(text: string): string {
  const clean = sanitizeText(text);
  return clean.length <= MAX_DESCRIPTION_LENGTH ? clean : clean.slice(0, MAX_DESCRIPTION_LENGTH - 1) + '…';
}

export function describeDecision(decision: Decision): string {
  const verb = decision.decision === 'approve' ? 'Approved' : decision.decision === 'reject' ? 'Rejected' : 'Decided';
  const reason = decision.reasons[0] ?? '';
  return capDescription(`${verb} by linkgate policy ${decision.policy ?? '(none)'}${reason === '' ? '' : `: ${reason}`}`);
}
