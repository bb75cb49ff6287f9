/**
 * Opens the configured audit store (DESIGN §4: LINKGATE_AUDIT_STORE). Each store is imported
 * lazily, so a file-store run never loads the Azure SDK and a Functions cold start pays only for
 * the store it uses.
 */
import type { LinkgateConfig } from '../config/read-config.js';
import type { Logger } from '../log/create-logger.js';
import type { AuditStore } from './types.js';

export interface OpenAuditStoreOptions {
  logger: Logger;
  /** For readers such as `linkgate audit`: create nothing (no folder, file or table); mutations throw. */
  readOnly?: boolean;
}

export async function openAuditStore(config: LinkgateConfig['audit'], options: OpenAuditStoreOptions): Promise<AuditStore> {
  const readOnly = options.readOnly === true;
  if (config.kind === 'table') {
    const { openTableAuditStore } = await import('./table-audit-store.js');
    // One HTTP attempt gets half the operation's deadline, so a retry still fits inside it.
    const deadlines = config.timeoutMs === undefined ? {} : { deadlines: { operationMs: config.timeoutMs, requestMs: Math.ceil(config.timeoutMs / 2) } };
    return openTableAuditStore({ connection: config.connection, table: config.table }, { logger: options.logger, readOnly, ...deadlines });
  }
  const { openFileAuditStore } = await import('./file-audit-store.js');
  return openFileAuditStore(config.path, { logger: options.logger, readOnly, ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes }) });
}
