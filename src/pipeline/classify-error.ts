/**
 * What a failure means for the invocation. Transient failures (throttling, 5xx, resets, timeouts,
 * an unreachable audit store) make the invocation fail so Event Grid redelivers; permanent ones
 * are recorded and the batch goes on.
 */
import { scrubSecrets } from '../log/create-logger.js';

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

interface ErrorLike {
  transient?: unknown;
  httpStatus?: unknown;
  code?: unknown;
  cause?: unknown;
}

/**
 * Errors of the audit stores, by name so the pipeline need not import the stores. Any of them,
 * anywhere in the cause chain, means a decision could not be recorded: the invocation must fail
 * (Event Grid redelivers) whatever the store thought of retrying, because the rule is "no record,
 * no write" and a silent 200 would leave the decision to the next sweep.
 */
const AUDIT_STORE_ERRORS = new Set(['FileAuditStoreError', 'TableAuditStoreError', 'IncompleteRecordError']);

export function isAuditStoreFailure(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as ErrorLike).cause, depth++) {
    if (AUDIT_STORE_ERRORS.has((e as { name?: unknown }).name as string)) return true;
  }
  return false;
}

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (isAuditStoreFailure(error)) return true;
  const e = error as ErrorLike;
  if (typeof e.transient === 'boolean') return e.transient;
  if (typeof e.httpStatus === 'number') return e.httpStatus === 408 || e.httpStatus === 429 || e.httpStatus >= 500;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (e.cause !== undefined && e.cause !== error) return isTransientError(e.cause);
  return false;
}

export function isPreconditionFailed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorLike).httpStatus === 412;
}

/** One line for logs and audit records; secrets scrubbed. */
export function errorSummary(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return scrubSecrets(text).slice(0, 2000);
}
