/**
 * A burst of 1,000 approvals against the local ARM emulator, which throttles as ARM does:
 * per-subscription token buckets, 429 with Retry-After in whole seconds. Run once with the
 * client's pacing and once without, same concurrency. The buckets are scaled up (writes 200 burst
 * / 400 s⁻¹ instead of 200 / 10) on both sides so the section takes seconds, not minutes;
 * the shape of the result is what matters: pacing finishes near the buckets' lower bound with no
 * 429, while the unpaced client collects 429s and waits out whole-second Retry-Afters.
 */
import { startArmEmulator } from '../emulator/arm-emulator.js';
import { loadWorld, type World } from '../emulator/world.js';
import { createArmClient } from '../src/arm/arm-client.js';
import type { BucketLimits } from '../src/arm/token-bucket.js';
import { silentLogger } from '../src/log/create-logger.js';

import type { BenchReporter } from './run.js';

const APPROVALS = 1_000;
const CONCURRENCY = 128;
const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const TARGET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;
const ENDPOINT = `/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`;
const LIMITS: { reads: BucketLimits; writes: BucketLimits } = {
  reads: { burst: 250, perSecond: 1_000 },
  writes: { burst: 200, perSecond: 400 },
};
/**
 * Latency allowance of the client's pacing (see TokenBucketsOptions.jitterMs). In one process the
 * first requests of a cold burst take ~150 ms to arrive (64 connections set up, JIT), later ones a
 * few ms; ARM's 100 ms default would leave a handful of 429s here.
 */
const JITTER_MS = 250;
/** No mode may run past this; unfinished approvals are reported, not waited for. */
const DEADLINE_MS = 10_000;

function world(): World {
  return loadWorld({
    providers: [
      {
        id: TARGET,
        type: 'Microsoft.Network/privateLinkServices',
        connections: Array.from({ length: APPROVALS }, (_, i) => ({ name: `c${i}`, privateEndpointId: `${ENDPOINT}${i}`, status: 'Pending' })),
      },
    ],
    endpoints: [],
    tenants: {},
  });
}

interface RunResult {
  ms: number;
  done: number;
  failed: number;
  throttled: number;
}

async function burst(pacing: boolean): Promise<RunResult> {
  const arm = await startArmEmulator({ world: world(), buckets: LIMITS, pageSize: 100 });
  const client = createArmClient({
    endpoint: arm.url,
    credential: { token: arm.token },
    logger: silentLogger(),
    pacing,
    buckets: { ...LIMITS, jitterMs: JITTER_MS },
    maxAttempts: 4,
    timeoutMs: 5_000,
  });
  // Read the connections as the pipeline does (paged list), then approve them all at once.
  const listed = await client.listConnections(TARGET);
  const started = performance.now();
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < APPROVALS && performance.now() - started < DEADLINE_MS) {
      const connection = listed[next++];
      if (connection === undefined) break;
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
    return { ms: performance.now() - started, done, failed, throttled: arm.stats().throttled };
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
