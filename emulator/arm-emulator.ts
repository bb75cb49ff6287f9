/**
 * The local ARM emulator: a test double of Azure Resource Manager on 127.0.0.1, for tests, the demo
 * and the benchmarks. It is not product code and never runs in Azure. It serves the operations
 * linkgate uses (DESIGN §5) the way ARM does where it matters to a client: api-version and bearer
 * token required, case-insensitive IDs, etags and If-Match, 404/403, nextLink and $skipToken
 * paging, 202 + polling, per-subscription token buckets with 429 + Retry-After, and injectable
 * faults. Everything it answers comes from a World (world-types.ts), which it mutates as writes land.
 * This file wires the parts: routes.ts (which operation), middleware.ts (auth, api-version,
 * faults, throttling, logging), dispatch.ts (the answers), connection-writes.ts and
 * async-operations.ts (writes and their polling).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionToArm } from './arm-shapes.js';
import { AsyncOperations } from './async-operations.js';
import { connectionKey, ConnectionWrites } from './connection-writes.js';
import { dispatch, type DispatchContext } from './dispatch.js';
import { FaultRules, type FaultRule } from './fault-rules.js';
import { createRequestHandler } from './middleware.js';
import { SettlingConnections } from './settling-connections.js';
import { RequestLog, type EmulatorStats, type RequestLogEntry } from './request-log.js';
import { routeOf } from './routes.js';
import { DEFAULT_GRAPH_QUOTA, GraphQuotaWindow, SubscriptionBuckets, type BucketOptions, type GraphQuotaSpec } from './token-buckets.js';
import { WorldIndex } from './world-index.js';
import type { EmulatedConnection, ProviderResource, World } from './world-types.js';
import { messageOf } from '../src/errors/linkgate-error.js';

// What moved out of this file stays importable from it.
export { connectionToArm, endpointToArm } from './arm-shapes.js';
export type { EmulatedOperation, Fault, FaultRule } from './fault-rules.js';
export type { EmulatorStats, RequestLogEntry, WriteRecord } from './request-log.js';
export { DEFAULT_BUCKETS, DEFAULT_GRAPH_QUOTA, type BucketOptions, type BucketSpec, type GraphQuotaSpec } from './token-buckets.js';

export const DEFAULT_TOKEN = 'emulator-token';

export interface ArmEmulatorOptions {
  world: World;
  /** The bearer token every request must carry (default 'emulator-token'). */
  token?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Per-subscription token buckets (default DEFAULT_BUCKETS); false turns throttling off. */
  buckets?: BucketOptions | false;
  /** Resource Graph's per-user query quota (default DEFAULT_GRAPH_QUOTA, off when `buckets` is false). */
  graphQuota?: GraphQuotaSpec | false;
  faults?: FaultRule[];
  /** Clock in epoch milliseconds (default Date.now): inject it to drive the buckets in tests. */
  now?: () => number;
  /**
   * How a delay fault waits (default: a timer the emulator clears when it closes). Inject one to
   * hold answers until a test lets them go, so that "still in flight" is an event, not a guess.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Seed of the fault dice. Default 1. */
  seed?: number;
  /** Page size of `GET …/privateEndpointConnections` (default 20). */
  pageSize?: number;
  /** InProgress answers an operation gives before Succeeded, and `Updating` reads of a Key Vault connection (default 1). */
  asyncPolls?: number;
  /**
   * Reads of a connection that show a write still being carried out where the type does so
   * (Web/APIM Approving/Rejecting, SQL provisioningState Approving; DESIGN §9). Default 2.
   */
  transitionalReads?: number;
  /** Retry-After (seconds) on long-running answers and in-progress polls; default 0 (poll at once). */
  pollRetryAfterSeconds?: number;
  /** The request log keeps at most this many entries, dropping the oldest (default 200000). */
  maxLogEntries?: number;
}

export interface ArmEmulator {
  /** `http://127.0.0.1:PORT`: use it as LINKGATE_ARM_ENDPOINT. */
  url: string;
  token: string;
  /** The live state: writes change it; tests may read it and add to it. */
  world: World;
  requests: RequestLogEntry[];
  writes(): number;
  writesTo(connectionId: string): number;
  stats(): EmulatorStats;
  /** Replaces the fault rules (and their `times` budgets). */
  setFaults(rules: FaultRule[]): void;
  /**
   * Resolves once no request is being handled: every request received has been answered, reset,
   * or carried out after its client gave up (a delay or timeout fault). A test that moves time
   * (a lease) awaits it so that no write can still land from before.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startArmEmulator(options: ArmEmulatorOptions): Promise<ArmEmulator> {
  const world = options.world;
  const token = options.token ?? DEFAULT_TOKEN;
  const now = options.now ?? Date.now;
  const maxLogEntries = Math.max(1, options.maxLogEntries ?? 200_000);
  const faults = new FaultRules(options.faults ?? [], options.seed ?? 1);
  const requestLog = new RequestLog(maxLogEntries);
  const { requests, stats } = requestLog;
  const buckets = new SubscriptionBuckets(options.buckets, now);
  const graphQuota = new GraphQuotaWindow(options.graphQuota === false || (options.graphQuota === undefined && options.buckets === false) ? undefined : (options.graphQuota ?? DEFAULT_GRAPH_QUOTA), now);
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  const asyncPolls = Math.max(0, options.asyncPolls ?? 1);
  // ARM's long-running answers carry Retry-After; the emulator's default of 0 keeps local runs quick.
  const pollRetryAfterSeconds = options.pollRetryAfterSeconds ?? 0;
  const operations = new AsyncOperations({ now, asyncPolls, pollRetryAfterSeconds, baseUrl: () => baseUrl });
  const index = new WorldIndex(world);
  const settling = new SettlingConnections();
  const armConnection = (provider: ProviderResource, connection: EmulatedConnection): Record<string, unknown> => {
    const key = connectionKey(provider, connection);
    return connectionToArm(provider, connection, operations.isUpdating(key) ? 'Updating' : undefined, settling.view(key));
  };
  const context: DispatchContext = {
    world,
    index,
    operations,
    writes: new ConnectionWrites(stats, operations, armConnection, {
      settling,
      transitionalReads: Math.max(0, options.transitionalReads ?? 2),
      asyncPolls,
      pollRetryAfterSeconds,
      baseUrl: () => baseUrl,
    }),
    settling,
    armConnection,
    pageSize: Math.max(1, options.pageSize ?? 20),
    baseUrl: () => baseUrl,
  };
  const timerSleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const handle = createRequestHandler({
    token,
    now,
    faults,
    requestLog,
    buckets,
    graphQuota,
    index,
    route: (path) => routeOf(path, index),
    handler: (request) => dispatch(context, request),
    sleep: options.sleep ?? timerSleep,
  });

  // Requests received and not yet done with, and who waits for there to be none.
  let handling = 0;
  let idleWaiters: Array<() => void> = [];
  const settled = (): void => {
    if (--handling > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };
  const server = createServer((req, res) => {
    handling++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      settled();
    };
    // A request whose client left before its body arrived is never carried out (its handler waits for a body that will not come).
    res.once('close', () => {
      if (!req.complete) finish();
    });
    handle(req, res).finally(finish).catch((error: unknown) => {
      // A bug in the double must be loud in the test that hit it, not hang the client.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'EmulatorError', message: messageOf(error) } }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    token,
    world,
    requests,
    writes: () => stats.writes,
    writesTo: (connectionId) => stats.writesByConnection[connectionId.toLowerCase()] ?? 0,
    stats: () => structuredClone(stats),
    setFaults: (rules) => faults.set(rules),
    idle: () => (handling === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
