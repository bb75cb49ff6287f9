/** The Table store's one error type, and the mapping of SDK failures onto it (never leaking the URL or key). */
import { AuditStoreError } from '../errors/audit-store-error.js';
import { scrubSecrets } from '../log/create-logger.js';

export class TableAuditStoreError extends AuditStoreError {
  override name = 'TableAuditStoreError';
  /** HTTP status from Table Storage, if any. */
  readonly storeStatus: number | undefined;
  /** `transient`: worth retrying (network, throttling, 5xx, no answer in time); the pipeline fails the invocation on any store error anyway. */
  constructor(message: string, options: { transient?: boolean; storeStatus?: number; hint?: string; cause?: unknown } = {}) {
    super(message, {
      transient: options.transient ?? false,
      hint: options.hint ?? 'check LINKGATE_AUDIT_TABLE_CONNECTION, LINKGATE_AUDIT_TABLE and the identity\'s "Storage Table Data Contributor" role',
      cause: options.cause,
    });
    this.storeStatus = options.storeStatus;
  }
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Wraps an SDK error without its message's URL or credentials. `timedOutAfterMs` is set when our
 * own operation deadline aborted the call: the store did not answer in time, which is transient.
 */
export function storeError(operation: string, error: unknown, timedOutAfterMs?: number): TableAuditStoreError {
  if (error instanceof TableAuditStoreError) return error;
  if (timedOutAfterMs !== undefined) {
    return new TableAuditStoreError(`audit table ${operation} failed: no answer within ${timedOutAfterMs} ms`, {
      transient: true,
      cause: error,
      hint: 'Table Storage is unreachable or not answering; the delivery fails so Event Grid retries it, and nothing is written to ARM meanwhile',
    });
  }
  const status = statusOf(error);
  const e = error as { code?: unknown; details?: { errorCode?: unknown; Message?: unknown; message?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.details?.errorCode === 'string' ? e.details.errorCode : undefined;
  // Service errors arrive as XML or JSON bodies in the message; the parsed message is the readable part.
  const serviceMessage = e?.details?.Message ?? e?.details?.message;
  const raw = typeof serviceMessage === 'string' ? serviceMessage : error instanceof Error ? error.message : String(error);
  const detail = scrubSecrets(raw.split('\n')[0] ?? '').slice(0, 300);
  const transient = status === undefined || status === 408 || status === 429 || status >= 500;
  return new TableAuditStoreError(
    `audit table ${operation} failed${status === undefined ? '' : ` (HTTP ${status})`}${code === undefined ? '' : ` ${code}`}: ${detail}`,
    { transient, cause: error, ...(status === undefined ? {} : { storeStatus: status }) },
  );
}
