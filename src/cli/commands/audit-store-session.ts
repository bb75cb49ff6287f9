/**
 * How the audit commands reach the store: opened read-only from the configuration (it never
 * creates a file, folder or table), closed after use, with warnings on stderr so stdout stays
 * clean for pipes; and a write that waits for a slow stdout, so a long export never buffers the
 * whole store.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AuditStore } from '../../audit/types.js';
import { readConfig, type LinkgateConfig } from '../../config/read-config.js';
import { LinkgateError } from '../../errors/linkgate-error.js';
import { createLogger } from '../../log/create-logger.js';
import type { CliIo } from '../io.js';
import { writeWithBackpressure } from '../../util/write-with-backpressure.js';

export async function write(stream: CliIo['stdout'], text: string): Promise<void> {
  await writeWithBackpressure(stream, text);
}

/** The configured store with a relative file path taken from the working directory. */
export function auditStoreConfig(io: CliIo, config: LinkgateConfig = readConfig(io.env)): LinkgateConfig['audit'] {
  return config.audit.kind === 'file' && !isAbsolute(config.audit.path) ? { kind: 'file', path: resolve(io.cwd, config.audit.path) } : config.audit;
}

/**
 * A file store whose folder does not exist was never written there: most likely a wrong
 * LINKGATE_AUDIT_PATH or working directory, which must not read as "no records". An existing
 * folder without the file yet is a store that simply has no records.
 */
async function ensureFileStoreExists(audit: LinkgateConfig['audit']): Promise<void> {
  if (audit.kind !== 'file') return;
  const folder = dirname(audit.path);
  const found = await stat(folder).then((s) => s.isDirectory(), () => false);
  if (!found) {
    throw new LinkgateError(`the audit file does not exist: looked for ${audit.path}, and its folder ${folder} does not exist`, {
      code: 'AuditFileNotFound',
      hint: 'set LINKGATE_AUDIT_PATH to the file linkgate serve or the functions write (relative paths are taken from the working directory)',
    });
  }
}

export async function withReadOnlyStore<T>(io: CliIo, use: (store: AuditStore) => Promise<T>): Promise<T> {
  const audit = auditStoreConfig(io);
  await ensureFileStoreExists(audit);
  const logger = createLogger({ level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn', destination: { write: (line: string) => void io.stderr.write(line) } });
  const { openAuditStore } = await import('../../audit/open-audit-store.js');
  const store = await openAuditStore(audit, { logger, readOnly: true });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
