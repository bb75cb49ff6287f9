/** Failures the pipeline raises itself (as opposed to those of ARM or the audit store it passes on). */
import { LinkgateError } from '../errors/linkgate-error.js';

/**
 * The ARM write landed but its audit record could not be completed. Always transient: the
 * invocation must fail so the delivery is retried until a reconcile finishes the record after its
 * lease (whatever the store's own error says; a 200 here would leave the record pending for good,
 * since the connection is no longer Pending and nothing else would revisit the target).
 */
export class IncompleteRecordError extends LinkgateError {
  override name = 'IncompleteRecordError';
  readonly transient = true;
}
