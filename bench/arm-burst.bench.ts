/**
 * A burst of 500 approvals against a loopback server that answers like ARM (PUT 200, then the
 * re-read GET) and throttles like ARM: per-subscription token buckets, 429 with Retry-After in
 * whole seconds. Run once with the client's pacing and once without, same concurrency. The
 * buckets are scaled up (writes 100 burst / 400 s⁻¹) so the whole section stays well under 10 s;
 * the shape of the result is what matters: pacing finishes near the buckets' lower bound with no
 * 429, while the unpaced client collects 429s and waits out whole-second Retry-Afters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArmClient } from '../src/arm/arm-client.js';
import { createTokenBuckets, type BucketLimits } from '../src/arm/token-bucket.js';
import type { ArmConnection } from '../src/arm/types.js';
import { silentLogger } from '../src/log/create-logger.js';

export interface BenchReporter {
  section(title: string): void;
  line(text: string): void;
}

const APPROVALS = 500;
const CONCURRENCY = 128;
const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const TARGET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;
const ENDPOINT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`;
const LIMITS: { reads: BucketLimits; writes: BucketLimits } = {
  reads: { burst: 250, perSecond: 1_000 },
  writes: { burst: 100, perSecond: 400 },
};
/**
 * Latency allowance of the client's pacing (see TokenBucketsOptions.jitterMs). In one process the
 * first requests of a cold burst take ~150 ms to arrive (64 connections set up, JIT), later ones a
 * few ms; ARM's 100 ms default would leave a handful of 429s here.
 */
const JITTER_MS = 250;
/** No mode may run past this; unfinished approvals are reported, not waited for. */
const DEADLINE_MS = 4_000;

interface FakeArm {
  url: string;
  throttled: number;
  close(): Promise<void>;
}

/** Loopback ARM double: same bucket arithmetic as the client, but refusing instead of waiting. */
async function startThrottlingArm(): Promise<FakeArm> {
  const buckets = createTokenBuckets({ reads: LIMITS.reads, writes: LIMITS.writes, now: () => performance.now() });
  const state = { throttled: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const kind = req.method === 'GET' ? 'read' : 'write';
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (buckets.available(SUBSCRIPTION, kind) < 1) {
        state.throttled++;
        const seconds = Math.max(1, Math.ceil((1 - buckets.available(SUBSCRIPTION, kind)) / LIMITS[kind === 'read' ? 'reads' : 'writes'].perSecond));
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(seconds) });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'throttled' } }));
        return;
      }
      void buckets.take(SUBSCRIPTION, kind);
      const remaining = Math.max(0, Math.floor(buckets.available(SUBSCRIPTION, kind)));
      const name = path.split('/').pop() ?? 'c';
      const body: ArmConnection = {
        id: path,
        name,
        etag: 'W/"2"',
        properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status: 'Approved', description: 'bench', actionsRequired: 'None' } },
      };
      res.writeHead(200, { 'content-type': 'application/json', [`x-ms-ratelimit-remaining-subscription-${kind}s`]: String(remaining) });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get throttled() {
      return state.throttled;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface RunResult {
  ms: number;
  done: number;
  failed: number;
  throttled: number;
}

async function burst(pacing: boolean): Promise<RunResult> {
  const arm = await startThrottlingArm();
  const client = createArmClient({
    endpoint: arm.url,
    credential: { token: 'bench-token' },
    logger: silentLogger(),
    pacing,
    buckets: { ...LIMITS, jitterMs: JITTER_MS },
    maxAttempts: 4,
    timeoutMs: 5_000,
  });
  const started = performance.now();
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < APPROVALS && performance.now() - started < DEADLINE_MS) {
      const i = next++;
      const connection: ArmConnection = {
        id: `${TARGET}/privateEndpointConnections/c${i}`,
        etag: 'W/"1"',
        properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status: 'Pending' } },
      };
      try {
        await client.setConnectionStatus({ connection, status: 'Approved', description: 'bench' });
        done++;
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { ms: performance.now() - started, done, failed, throttled: arm.throttled };
  } finally {
    await client.close();
    await arm.close();
  }
}

export async function run(report: BenchReporter): Promise<void> {
  report.section(`ARM burst: ${APPROVALS} approvals (PUT + re-read GET), ${CONCURRENCY} concurrent, one subscription`);
  const lowerBoundMs = (Math.max(0, APPROVALS - LIMITS.writes.burst) / LIMITS.writes.perSecond) * 1000;
  report.line(
    `server buckets: writes ${LIMITS.writes.burst} burst / ${LIMITS.writes.perSecond} s⁻¹, reads ${LIMITS.reads.burst} burst / ${LIMITS.reads.perSecond} s⁻¹; ` +
      `the client paces with the same figures and ${JITTER_MS} ms latency allowance; lower bound ${lowerBoundMs.toFixed(0)} ms`,
  );
  const paced = await burst(true);
  const unpaced = await burst(false);
  const row = (name: string, r: RunResult): string =>
    `${name.padEnd(9)} ${r.ms.toFixed(0).padStart(6)} ms  ${((r.done / r.ms) * 1000).toFixed(0).padStart(5)} approvals/s  ` +
    `${String(r.done).padStart(4)} done  ${String(r.failed).padStart(3)} failed  ${String(APPROVALS - r.done - r.failed).padStart(3)} not started  ${String(r.throttled).padStart(4)} × 429`;
  report.line('mode      time       throughput          done    failed  not started   throttled');
  report.line(row('paced', paced));
  report.line(row('unpaced', unpaced));
  report.line(`paced / lower bound: ${(paced.ms / Math.max(1, lowerBoundMs)).toFixed(2)}×; 429s avoided by pacing: ${unpaced.throttled - paced.throttled}`);
}
