/** Why a person's decision was not carried out: exit 1 with what to do, never a silent no-op. */
import { LinkgateError } from '../errors/linkgate-error.js';

export class ReviewRefusedError extends LinkgateError {
  override name = 'ReviewRefusedError';
  constructor(message: string, hint: string) {
    super(message, { hint, exitCode: 1 });
  }
}
