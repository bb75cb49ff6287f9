/** Failures the pipeline raises itself (as opposed to those of ARM or the audit store it passes on). */
import { AuditStoreError } from '../errors/audit-store-error.js';
import type { LinkgateErrorOptions } from '../errors/linkgate-error.js';

/**
 * The ARM write landed but its audit record could not be completed. Always transient: the
 * invocation must fail so the delivery is retried until a reconcile finishes the record after its
 * lease (whatever the store's own error says; a 200 here would leave the record pending for good,
 * since the connection is no longer Pending and nothing else would revisit the target).
 */
export class IncompleteRecordError extends AuditStoreError {
  override name = 'IncompleteRecordError';
  constructor(message: string, options: Omit<LinkgateErrorOptions, 'code' | 'transient'> = {}) {
    super(message, { ...options, code: 'IncompleteRecord', transient: true });
  }
}
