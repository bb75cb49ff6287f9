/**
 * What a failure means for the invocation, by type (`instanceof`), never by name or shape.
 * Transient failures (throttling, 5xx, resets, timeouts, an unreachable audit store) make the
 * invocation fail so Event Grid redelivers; permanent ones are recorded and the batch goes on.
 */
import { ArmError } from '../arm/arm-error.js';
import { AuditStoreError } from '../errors/audit-store-error.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import { TRANSIENT_NETWORK_CODES } from '../errors/transient-network-codes.js';
import { scrubSecrets } from '../log/create-logger.js';

const MAX_CAUSE_DEPTH = 8;

function* causeChain(error: unknown): Generator<unknown> {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    yield e;
    const next: unknown = e instanceof Error ? e.cause : undefined;
    if (next === e) return;
    e = next;
  }
}

export function isTransientError(error: unknown): boolean {
  for (const e of causeChain(error)) {
    if (e instanceof AuditStoreError) return true;
    if (e instanceof LinkgateError) {
      if (e.transient) return true;
      continue;
    }
    // Unwrapped Node and undici errors: only the wire breaking is worth a retry.
    const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
  }
  return false;
}

/** ARM answered 412: the connection changed since it was read. */
export function isPreconditionFailed(error: unknown): boolean {
  return error instanceof ArmError && error.httpStatus === 412;
}

/** One line for logs and audit records; secrets scrubbed. */
export function errorSummary(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return scrubSecrets(text).slice(0, 2000);
}
