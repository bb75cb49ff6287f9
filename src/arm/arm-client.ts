/**
 * The ArmClient over undici: one keep-alive dispatcher (injectable), lazily acquired and cached
 * bearer tokens, per-subscription token-bucket pacing (and Resource Graph's per-user query
 * quota), bounded retries with full jitter, a timeout on every request, long-running operations
 * polled to a terminal state (a write: within its deadline, client-limits.ts), and typed errors
 * that never carry the token. Every ID is parsed
 * with parseArmId before a URL is built from it, and every URL the server hands back (nextLink,
 * Azure-AsyncOperation, Location) must stay on the configured ARM origin, so the token is never
 * sent anywhere else.
 *
 * This file holds the options and the wiring; each job lives in its own module (arm-urls,
 * token-source, send-request, poll-operation, list-connections, set-connection-status,
 * read-endpoint, home-tenant, resource-graph, graph-quota).
 */
import { Agent, type Dispatcher } from 'undici';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../log/create-logger.js';
import type { ArmClient } from './types.js';
import { createTokenBuckets, type BucketLimits, type TokenBuckets } from './token-bucket.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { resolveClientLimits, writeLimitsOf, writeWorstCaseMs } from './client-limits.js';
import { createArmUrls } from './arm-urls.js';
import { createTokenSource } from './token-source.js';
import { createSender } from './send-request.js';
import { createPoller } from './poll-operation.js';
import { createConnectionLister } from './list-connections.js';
import { createStatusWriter } from './set-connection-status.js';
import { createHomeTenantLookup } from './home-tenant.js';
import { createResourceGraphQuery } from './resource-graph.js';
import { createGraphQuota } from './graph-quota.js';
import { parseConnection, parseTarget } from './parse-ids.js';
import { createConsumerReads } from './read-endpoint.js';

export { MAX_DESCRIPTION_LENGTH } from './set-connection-status.js';
export { SUBSCRIPTIONS_API_VERSION } from './home-tenant.js';
export { RESOURCE_GRAPH_API_VERSION } from './resource-graph.js';
/** api-version of consumer endpoint and network interface reads. */
export { NETWORK_API_VERSION as PRIVATE_ENDPOINT_API_VERSION } from './read-endpoint.js';

export interface ArmClientOptions {
  /** ARM base URL, e.g. https://management.azure.com or the local emulator. */
  endpoint: string;
  /** A static token (emulators), any TokenCredential, or unset: DefaultAzureCredential, created on first use. */
  credential?: { token: string } | TokenCredential | undefined;
  logger: Logger;
  /** undici dispatcher; default one keep-alive Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
  /** Per request, headers and body included. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per request including the first. Default 5. */
  maxAttempts?: number;
  /** Backoff cap between attempts. Default 30 s. */
  maxDelayMs?: number;
  /** A longer Retry-After is not waited out: the request fails. Default 60 s. */
  maxRetryAfterMs?: number;
  /**
   * Total time one write may take, retries, pacing, polling and confirming reads included (reaching
   * it reports the write in progress). Default 240 s; the figure the client enforces, and the audit
   * lease is derived from, is `writeWorstCaseMs` of the resolved limits (client-limits.ts).
   */
  writeDeadlineMs?: number;
  /** Client-side pacing per subscription; defaults are ARM's (reads 250/25 s⁻¹, writes 200/10 s⁻¹). */
  buckets?: { reads?: Partial<BucketLimits>; writes?: Partial<BucketLimits>; jitterMs?: number };
  /** false turns client-side pacing off (benchmarks compare both). Default true. */
  pacing?: boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Epoch milliseconds; drives pacing and token expiry when given (tests). Default: pacing on the
   * monotonic `performance.now()` (whole-millisecond Date.now would let the client believe in a
   * fraction of a token the server has not refilled yet), token expiry on `Date.now()`.
   */
  now?: () => number;
  /** Wait between polls of a long-running operation when the server gives no Retry-After. Default 2 s. */
  pollIntervalMs?: number;
  /** Polls of a write (its operation, then the connection until it settles) before it is reported in progress. Default 120. */
  maxPolls?: number;
  /** Pages followed per listing or query (a guard against a server that loops). Default 1000. */
  maxPages?: number;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createArmClient(options: ArmClientOptions): ArmClient {
  const { scope, urlFor, followUrl, scopeOf } = createArmUrls(options.endpoint);
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const pacingClock = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? sleepFor;
  const limits = resolveClientLimits({
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    maxDelayMs: options.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    pollIntervalMs: options.pollIntervalMs,
    maxPolls: options.maxPolls,
    writeDeadlineMs: options.writeDeadlineMs,
  });
  const { maxPolls, pollIntervalMs, timeoutMs } = limits;
  const maxPages = options.maxPages ?? 1_000;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const buckets: TokenBuckets = createTokenBuckets({
    ...(options.buckets?.reads === undefined ? {} : { reads: options.buckets.reads }),
    ...(options.buckets?.writes === undefined ? {} : { writes: options.buckets.writes }),
    ...(options.buckets?.jitterMs === undefined ? {} : { jitterMs: options.buckets.jitterMs }),
    now: pacingClock,
    sleep,
  });
  const retryPolicy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: limits.maxAttempts,
    maxDelayMs: limits.maxDelayMs,
    maxRetryAfterMs: limits.maxRetryAfterMs,
    random: options.random ?? Math.random,
    sleep,
  };

  const pacing = options.pacing ?? true;
  const tokens = createTokenSource({ credential: options.credential, scope, now });
  const send = createSender({
    logger,
    now,
    timeoutMs,
    dispatcher,
    pacing,
    buckets,
    retryPolicy,
    tokens,
    scopeOf,
  });
  const { awaitOperation, completeLongRunning } = createPoller({ send, followUrl, sleep, now, pollIntervalMs, maxPolls });
  const { listConnectionsOf, readConnection } = createConnectionLister({ send, completeLongRunning, urlFor, followUrl, logger, maxPages });

  return {
    async listConnections(targetId) {
      const { id, entry } = parseTarget(targetId);
      return listConnectionsOf(id, entry);
    },

    async getConnection(connectionId) {
      return readConnection(parseConnection(connectionId));
    },

    ...createConsumerReads({ send, urlFor }),

    // The audit lease (src/pipeline/write-lease.ts) is derived from the same figure.
    setConnectionStatus: createStatusWriter({ send, awaitOperation, readConnection, urlFor, sleep, pollIntervalMs, maxPolls, now, timeoutMs, writeDeadlineMs: writeWorstCaseMs(writeLimitsOf(limits)) }),

    homeTenantOf: createHomeTenantLookup({ send, urlFor }),

    queryResourceGraph: createResourceGraphQuery({ send, urlFor, maxPages, quota: pacing ? createGraphQuota({ now: pacingClock, sleep, maxWaitMs: retryPolicy.maxRetryAfterMs }) : undefined }),

    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
