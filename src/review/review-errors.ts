/** Why a person's decision was not carried out: exit 1 with what to do, never a silent no-op. */
import { LinkgateError } from '../errors/linkgate-error.js';

export type ReviewRefusal =
  | 'NotAConnectionId'
  | 'TargetNotGoverned'
  | 'ConnectionNotFound'
  | 'ConnectionNotPending'
  | 'ExplicitPolicyReject'
  | 'DecisionOwned'
  | 'ConnectionChanged'
  | 'PrincipalUnknown';

export class ReviewRefusedError extends LinkgateError {
  override name = 'ReviewRefusedError';
  constructor(code: ReviewRefusal, message: string, hint: string) {
    super(message, { code, hint, exitCode: 1 });
  }
}
