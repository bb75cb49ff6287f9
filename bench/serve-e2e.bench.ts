/**
 * End to end: Event Grid deliveries through `linkgate serve` against the ARM emulator with 30 ms
 * added to every ARM answer and ARM's real token buckets (reads 250 burst / 25 s⁻¹, writes 200 /
 * 10 s⁻¹, per subscription), every target in one provider subscription so the buckets bind. The
 * peer is the buckets' lower bound for the requests the run made: no client can finish sooner
 * than its busiest bucket refills, max over buckets of (requests − burst) / refill rate.
 */
import { DEFAULT_BUCKETS } from '../emulator/token-buckets.js';
import { runLoad } from './load.bench.js';
import type { BenchReporter } from './run.js';
import { QUICK, verdict } from './stats.js';

const LATENCY_MS = 30;

export async function run(report: BenchReporter): Promise<void> {
  report.section('End to end through `linkgate serve` (30 ms ARM latency, real token buckets)');
  const events = QUICK ? 300 : 1_000;
  const result = await runLoad({ events, providerSubscriptions: 1, armLatencyMs: LATENCY_MS, deadlineMs: 15 * 60_000 });
  let lowerBoundS = 0;
  let binding = '';
  for (const [key, count] of Object.entries(result.bucketRequests)) {
    const spec = key.endsWith('|reads') ? DEFAULT_BUCKETS.reads : DEFAULT_BUCKETS.writes;
    const seconds = Math.max(0, (count - spec.burst) / spec.perSecond);
    if (seconds > lowerBoundS) [lowerBoundS, binding] = [seconds, `${key.split('|')[1]} of subscription ${key.split('|')[0]}: ${count} requests, burst ${spec.burst}, ${spec.perSecond} s⁻¹`];
  }
  const pending = [...result.initial.values()].filter((s) => s === 'Pending').length;
  const elapsedS = result.elapsedMs / 1000;
  const ratio = lowerBoundS > 0 ? elapsedS / lowerBoundS : Number.NaN;
  const ops = Object.entries(result.arm.byOperation).map(([op, n]) => `${op} ${n}`).join(', ');
  report.line(`${result.events.toLocaleString('en')} events (one Event Grid delivery each, 32 in flight, Event Grid's redelivery on failure) naming ${pending.toLocaleString('en')} Pending connections on ${Math.ceil(result.events / 20)} targets, one provider subscription; one process hosts the emulator, \`linkgate serve\` (8 targets at once) and the sender.`);
  report.line('');
  report.line('| figure | value |');
  report.line('| --- | ---: |');
  report.line(`| elapsed | ${elapsedS.toFixed(1)} s |`);
  report.line(`| buckets' lower bound (peer) | ${lowerBoundS.toFixed(1)} s (${binding}) |`);
  report.line(`| ratio (goal ≤ 1.2×) | ${Number.isNaN(ratio) ? 'n/a: the run never exhausted a bucket' : `${ratio.toFixed(2)}× ${verdict(ratio <= 1.2)}`} |`);
  report.line(`| 429 answers from ARM's buckets (goal 0) | ${result.arm.throttled} ${verdict(result.arm.throttled === 0)} |`);
  report.line(`| ARM requests | ${result.arm.requests} (${ops}); writes that landed ${result.arm.writes} |`);
  report.line(`| ARM calls per decided connection | ${(result.arm.requests / Math.max(1, pending)).toFixed(2)} |`);
  report.line(`| deliveries answered 200 / failed (redelivered) / unsent | ${result.delivered} / ${result.failedDeliveries} (${result.redeliveries}) / ${result.unsent} |`);
  report.line(`| delivery latency p50 / p99 | ${result.p50Ms.toFixed(0)} ms / ${result.p99Ms.toFixed(0)} ms |`);
  report.line(`| peak RSS (emulator + serve + sender in one process) | ${result.peakRssMb.toFixed(0)} MB |`);
}
