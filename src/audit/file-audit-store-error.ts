import { LinkgateError } from '../errors/linkgate-error.js';

export class FileAuditStoreError extends LinkgateError {
  override name = 'FileAuditStoreError';
}
