/**
 * The `@azure/data-tables` client behind the Table store, with deadlines on every call.
 *
 * Without them a store that accepts connections and never answers holds a delivery open for
 * minutes (issue 11: 240 s), far past Event Grid's 30 s. So: each HTTP attempt has a timeout, the
 * SDK's retry budget is bounded, and each operation (all its attempts and back-offs together) is
 * aborted at a deadline. A store that does not answer then fails the operation as transient, the
 * delivery answers 503 and Event Grid retries it; nothing is written to ARM meanwhile, because a
 * decision is claimed in the store before its ARM write.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { TableClient } from '@azure/data-tables';
import { scrubSecrets } from '../log/create-logger.js';
import { TableAuditStoreError, storeError } from './table-audit-store-error.js';
import { messageOf } from '../errors/linkgate-error.js';
import { isLoopbackHost } from '../util/loopback.js';

export interface TableDeadlines {
  /** One HTTP attempt (connect, send, first byte and body). */
  requestMs: number;
  /** One store operation, every retry and back-off included. */
  operationMs: number;
  /** SDK retries after the first attempt. */
  maxRetries: number;
}

/**
 * An attempt that times out is not retried by the SDK (it reports an AbortError); failures it does
 * retry (resets, 5xx, 429) get 2 more attempts with back-offs of at most 1 s, all inside the
 * operation deadline of 8 s. A delivery makes a few store operations in a row, so even a store
 * that stops answering mid-delivery fails it well within Event Grid's 30 s (and the host's own delivery deadline caps the rest).
 */
export const DEFAULT_TABLE_DEADLINES: TableDeadlines = { requestMs: 4_000, operationMs: 8_000, maxRetries: 2 };


/** The account endpoint a connection names, for logs: never the key or SAS. */
export function describeConnection(connection: string): string {
  if (/^https?:\/\//iu.test(connection)) {
    try {
      return new URL(connection).origin;
    } catch {
      return '(unparsable URL)';
    }
  }
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/iu.exec(connection)?.[1];
  if (endpoint !== undefined) {
    try {
      return new URL(endpoint).origin;
    } catch {
      return '(unparsable TableEndpoint)';
    }
  }
  const account = /(?:^|;)\s*AccountName=([^;]+)/iu.exec(connection)?.[1];
  if (/UseDevelopmentStorage=true/iu.test(connection)) return 'development storage';
  return account === undefined ? '(connection string)' : `account ${account}`;
}

export async function createTableClient(connection: string, table: string, credential: TokenCredential | undefined, deadlines: TableDeadlines): Promise<TableClient> {
  const { TableClient } = await import('@azure/data-tables');
  const pipeline = {
    retryOptions: { maxRetries: deadlines.maxRetries, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
    additionalPolicies: [
      {
        // Per attempt: the SDK sets no timeout of its own (0 = wait forever).
        policy: { name: 'linkgateRequestTimeout', sendRequest: (request: { timeout: number }, next: (r: never) => Promise<never>) => { request.timeout = deadlines.requestMs; return next(request as never); } },
        position: 'perRetry' as const,
      },
    ],
  };
  if (/^https?:\/\//iu.test(connection)) {
    let url: URL;
    try {
      url = new URL(connection);
    } catch (error) {
      throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION is not a valid URL', { cause: error });
    }
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
      throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION must be an https:// account URL', {
        hint: 'use https://<account>.table.core.windows.net, or a connection string',
      });
    }
    let tokenCredential = credential;
    if (tokenCredential === undefined) {
      const { DefaultAzureCredential } = await import('@azure/identity');
      tokenCredential = new DefaultAzureCredential();
    }
    return new TableClient(url.origin + url.pathname.replace(/\/$/u, ''), table, tokenCredential, { ...pipeline, allowInsecureConnection: url.protocol === 'http:' });
  }
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/iu.exec(connection)?.[1];
  let insecure = false;
  try {
    insecure = endpoint !== undefined && new URL(endpoint).protocol === 'http:' && isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    // the SDK reports a bad endpoint below
  }
  try {
    return TableClient.fromConnectionString(connection, table, { ...pipeline, allowInsecureConnection: insecure });
  } catch (error) {
    // The SDK's message may quote the connection string: say what is wrong, not what it holds.
    throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION is not a storage connection string the SDK understands', {
      hint: 'use DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net, a SAS connection string, or https://<account>.table.core.windows.net',
      cause: scrubSecrets(String(messageOf(error))),
    });
  }
}

/**
 * Runs one SDK call under the operation deadline; a call cut off by it is reported as "no answer
 * within N ms" (transient), any other failure through storeError.
 */
export async function withDeadline<T>(operation: string, ms: number, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  try {
    return await call(signal);
  } catch (error) {
    throw storeError(operation, error, timedOut(error, signal) ? ms : undefined);
  }
}

/** Our operation deadline fired, or an attempt's own timeout did (the SDK reports both as AbortError and does not retry them). */
function timedOut(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * Iterates a listing page by page with the operation deadline applied to each page, not to the
 * whole listing (an export of a large table may take longer than one deadline, a page never should).
 */
export async function* pagesWithDeadline<T>(operation: string, ms: number, open: (abortSignal: AbortSignal) => AsyncIterator<T[]>): AsyncGenerator<T> {
  const controller = new AbortController();
  const iterator = open(controller.signal);
  try {
    for (;;) {
      const timer = setTimeout(() => controller.abort(), ms);
      let page: IteratorResult<T[]>;
      try {
        page = await iterator.next();
      } catch (error) {
        throw storeError(operation, error, timedOut(error, controller.signal) ? ms : undefined);
      } finally {
        clearTimeout(timer);
      }
      if (page.done === true) return;
      yield* page.value;
    }
  } finally {
    await iterator.return?.();
  }
}
