import { AuditStoreError } from '../errors/audit-store-error.js';

export class FileAuditStoreError extends AuditStoreError {
  override name = 'FileAuditStoreError';
}
