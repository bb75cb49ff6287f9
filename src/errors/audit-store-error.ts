/**
 * Base of every audit-store failure (file, Table Storage, a record left incomplete). Whatever the
 * store thinks of retrying, the pipeline treats any of them as transient: the rule is "no record,
 * no write", and a delivery answered 200 after one would leave its decision to the next sweep.
 */
import { LinkgateError, type LinkgateErrorOptions } from './linkgate-error.js';

export class AuditStoreError extends LinkgateError {
  override name = 'AuditStoreError';
  constructor(message: string, options: LinkgateErrorOptions = {}) {
    super(message, { code: 'AuditStoreFailed', ...options });
  }
}
