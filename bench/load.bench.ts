/**
 * Load: N Event Grid deliveries (one event each, Event Grid's default batch size) through
 * `linkgate serve` against the local ARM emulator, which throttles as ARM does (per-subscription
 * token buckets, reads 250 / 25 s⁻¹, writes 200 / 10 s⁻¹) while the client paces itself under
 * them. Reports throughput, p50/p99 handling latency (POST to answer, as Event Grid sees it) and
 * the peak RSS of the process (which hosts the emulator, the host and the sender alike).
 * Bounded: a fixed count, a fixed number of redeliveries per event, and a deadline.
 *
 * The bench's memory section runs 10,000 events with serve in its own process; serve-e2e.bench.ts
 * runs 1,000 through one provider subscription's buckets; test/reliability/load.test.ts runs 1,000
 * in `npm test` (10,000 with LINKGATE_FULL=1) and checks the outcome, never the time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, Agent } from 'undici';
import { startArmEmulator, type EmulatorStats } from '../emulator/arm-emulator.js';
import { generateWorld, type World } from '../emulator/world.js';
import { connectionProxyWriteEvent } from '../src/demo/demo-events.js';
import { WEBHOOK_PATH } from '../src/host/webhook-server.js';
import { startServeHost, type ServeHostKind } from './serve-host.js';


export interface LoadOptions {
  events: number;
  /** Deliveries in flight at once (Event Grid fans out to a webhook concurrently). */
  concurrency?: number;
  /** Attempts per event, as Event Grid redelivers a failed delivery. */
  maxDeliveries?: number;
  /** Stop sending after this long; what is unsent is reported, not waited for. */
  deadlineMs?: number;
  /** Provider subscriptions the targets are spread over (default 20): one puts every write in one bucket. */
  providerSubscriptions?: number;
  /** Latency the emulator adds to every ARM answer (a delay fault on all requests). */
  armLatencyMs?: number;
  /** Where serve runs (default in the bench process); in its own process its peak RSS is reported apart. */
  serve?: ServeHostKind;
}

export interface LoadResult {
  events: number;
  delivered: number;
  failedDeliveries: number;
  redeliveries: number;
  unsent: number;
  /** Why deliveries were answered with something else than 200 (ids blanked), with counts. */
  failureReasons: Record<string, number>;
  elapsedMs: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  peakRssMb: number;
  /** Peak RSS of the `linkgate serve` process alone, when it ran in its own process. */
  servePeakRssMb: number | undefined;
  arm: EmulatorStats;
  /** Requests that reached each token bucket ('subscription|reads' or '…|writes'). */
  bucketRequests: Record<string, number>;
  world: World;
  /** Connection ID (lower case) → status before the run, for the caller's oracle. */
  initial: Map<string, string>;
  policyText: string;
}

const CONNECTIONS_PER_TARGET = 20;
const PROVIDER_SUBSCRIPTIONS = Array.from({ length: 20 }, (_, i) => `10ad0000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const CONSUMER_SUBSCRIPTIONS = Array.from({ length: 6 }, (_, i) => `c0a50000-0000-4000-8000-${String(i).padStart(12, '0')}`);

/** Subscription-based rules only: the load is on intake, listing, writing and the audit store. */
export function loadPolicy(): Record<string, unknown> {
  return {
    name: 'load',
    targets: PROVIDER_SUBSCRIPTIONS.map((s) => `/subscriptions/${s}/**`),
    visibility: CONSUMER_SUBSCRIPTIONS.slice(0, 5),
    autoApproval: CONSUMER_SUBSCRIPTIONS.slice(0, 2),
    deny: { subscriptions: [CONSUMER_SUBSCRIPTIONS[4]] },
    otherwise: 'manual',
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 32;
  const maxDeliveries = options.maxDeliveries ?? 8;
  const deadlineMs = options.deadlineMs ?? 600_000;
  const targets = Math.max(1, Math.ceil(options.events / CONNECTIONS_PER_TARGET));
  const providerSubscriptions = PROVIDER_SUBSCRIPTIONS.slice(0, options.providerSubscriptions ?? PROVIDER_SUBSCRIPTIONS.length);
  const world = generateWorld({ targets, connectionsPerTarget: CONNECTIONS_PER_TARGET, seed: 3, providerSubscriptions, consumerSubscriptions: CONSUMER_SUBSCRIPTIONS, unreadableShare: 0 });
  const initial = new Map<string, string>();
  const events: Array<Record<string, unknown>> = [];
  for (const provider of world.providers) {
    for (const c of provider.connections) {
      initial.set(`${provider.id}/privateEndpointConnections/${c.name}`.toLowerCase(), c.status);
      if (events.length < options.events) events.push(connectionProxyWriteEvent(provider.id, c.name));
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'linkgate-load-'));
  const policyText = JSON.stringify(loadPolicy());
  await writeFile(join(dir, 'load.json'), policyText);
  const emulator = await startArmEmulator({
    world,
    ...(options.armLatencyMs === undefined ? {} : { faults: [{ match: {}, fault: { kind: 'delay' as const, ms: options.armLatencyMs } }] }),
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  const agent = new Agent({ connections: concurrency });
  const serve = await startServeHost(options.serve ?? 'in-process', {
    LINKGATE_POLICY_DIR: dir,
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl'),
    LINKGATE_HOST: '127.0.0.1',
    LINKGATE_PORT: '0',
    LINKGATE_CONCURRENCY: '8',
  });
  const url = serve.url + WEBHOOK_PATH;
  const latencies: number[] = [];
  let delivered = 0;
  let failedDeliveries = 0;
  let redeliveries = 0;
  let unsent = 0;
  const failureReasons: Record<string, number> = {};
  const started = performance.now();
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < events.length) {
      const event = events[next++];
      if (performance.now() - started > deadlineMs) {
        unsent++;
        continue;
      }
      const body = JSON.stringify([event]);
      for (let attempt = 0; attempt < maxDeliveries; attempt++) {
        if (attempt > 0) {
          redeliveries++;
          // Event Grid backs off (10 s, 30 s, 1 min, …); scaled down here, still exponential.
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        }
        const t0 = performance.now();
        const response = await request(url, { dispatcher: agent, method: 'POST', body, headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' } });
        const text = await response.body.text();
        latencies.push(performance.now() - t0);
        if (response.statusCode === 200) {
          delivered++;
          break;
        }
        failedDeliveries++;
        const reason = `${response.statusCode} ${text.replace(/\/subscriptions\/[^\s"]+/gu, '<id>').replace(/[0-9a-f-]{8,}/giu, '#').slice(0, 100)}`;
        failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
      }
    }
  };
  let elapsed: number;
  let stats: EmulatorStats;
  let servePeakRssMb: number | undefined;
  const bucketRequests: Record<string, number> = {};
  try {
    await Promise.all(Array.from({ length: concurrency }, () => sender()));
  } finally {
    elapsed = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    servePeakRssMb = await serve.close();
    await agent.close();
    stats = emulator.stats();
    for (const entry of emulator.requests) {
      const subscription = /^\/subscriptions\/([^/]+)/iu.exec(entry.path)?.[1]?.toLowerCase() ?? 'tenant';
      const key = `${subscription}|${entry.method === 'GET' || entry.method === 'HEAD' ? 'reads' : 'writes'}`;
      bucketRequests[key] = (bucketRequests[key] ?? 0) + 1;
    }
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return {
    events: events.length,
    delivered,
    failedDeliveries,
    redeliveries,
    unsent,
    failureReasons,
    elapsedMs: elapsed,
    eventsPerSecond: (delivered / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
    peakRssMb: peakRss / (1024 * 1024),
    servePeakRssMb,
    arm: stats,
    bucketRequests,
    world,
    initial,
    policyText,
  };
}

export function describeLoad(result: LoadResult): string[] {
  return [
    `events ${result.events}, delivered ${result.delivered}, failed deliveries ${result.failedDeliveries} (redelivered ${result.redeliveries}), unsent ${result.unsent}`,
    ...(result.failedDeliveries === 0 ? [] : [`failed deliveries by answer: ${JSON.stringify(result.failureReasons)}`]),
    `elapsed ${(result.elapsedMs / 1000).toFixed(1)} s, throughput ${result.eventsPerSecond.toFixed(0)} events/s`,
    `handling latency p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms`,
    result.servePeakRssMb === undefined
      ? `peak RSS ${result.peakRssMb.toFixed(0)} MB (one process: emulator + serve + sender)`
      : `peak RSS: linkgate serve ${result.servePeakRssMb.toFixed(0)} MB (its own process); emulator + sender ${result.peakRssMb.toFixed(0)} MB`,
    `ARM requests ${result.arm.requests} ${JSON.stringify(result.arm.byOperation)}, writes ${result.arm.writes}, 429 from ARM's buckets ${result.arm.throttled}`,
  ];
}
