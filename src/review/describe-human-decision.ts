/**
 * The description a person's decision writes to ARM, where the consumer reads it: who decided and
 * their reason, sanitised and capped exactly as the daemon's own descriptions are.
 */
import { capDescription } from '../pipeline/describe-decision.js';

export function describeHumanDecision(verdict: 'approve' | 'reject', principal: string, reason: string): string {
  return capDescription(`${verdict === 'approve' ? 'Approved' : 'Rejected'} by ${principal} via linkgate: ${reason}`);
}
