/**
 * The fault matrix (issue 7): N Pending connections over T targets in the ARM emulator, events for
 * every connection (10 % delivered twice), handled by two workers at once that share the audit
 * store, with ~20 % of ARM requests faulted at every step (list, endpoint read, tenant lookup,
 * write, poll, re-read: 429 + Retry-After, 500, 503, resets, timeouts, slow answers) and the audit
 * store failing too (before and after its writes land). A batch that fails is redelivered, as Event
 * Grid does, a bounded number of times. Time is virtual and moves only between rounds of redelivery,
 * once every delivery settled and ARM has carried out every request it received, so a lease can
 * expire only when no write is in flight: the test is bounded by work (rounds × batches, each
 * delivery bounded by the client's attempts), not by how fast a shared machine runs it.
 * Afterwards, against the oracle computed from the initial
 * world by the pure evaluator:
 *   - every connection's ARM state is what policy says,
 *   - every decided connection was written exactly once, nothing else was written,
 *   - every decision has exactly one complete audit record,
 *   - no connection was approved that policy would not approve,
 *   - nothing under the ungoverned subscription was ever requested.
 * Default size runs in a few seconds; LINKGATE_FULL=1 runs 2,000 connections over 100 targets.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type EmulatedOperation, type FaultRule } from '../../emulator/arm-emulator.js';
import { seededRandom } from '../../emulator/world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import { openAuditStore } from '../../src/audit/open-audit-store.js';
import type { AuditRecord, AuditStore } from '../../src/audit/types.js';
import { connectionProxyWriteEvent } from '../../src/demo/demo-events.js';
import { parseDelivery, type DeliveredEvent } from '../../src/intake/parse-delivery.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { handleEvents, type PipelineDeps } from '../../src/pipeline/handle-events.js';
import { mapWithConcurrency } from '../../src/pipeline/map-with-concurrency.js';
import { writeLeaseMs } from '../../src/pipeline/write-lease.js';
import { manualClock } from '../support/virtual-clock.js';
import { buildScenario, FULL, isEtagless, shuffle, tally, UNGOVERNED_SUB, type Scenario } from './scenario.js';
import { withStoreFaults, type StoreFaultStats } from './faulty-audit-store.js';

const TARGETS = FULL ? 100 : 20;
const PER_TARGET = FULL ? 20 : 15;
const BATCH_SIZE = 10;
const DUPLICATE_SHARE = 0.1;
/** Deliveries of a batch at most, one per round (Event Grid's default is 30 attempts over 24 h; a bound keeps the test finite). */
const MAX_DELIVERIES = 30;
/**
 * The one wall-clock limit left: the client's own request timeout (src/arm/send-request.ts), which
 * ends a request the emulator holds with a timeout fault. It orders nothing the assertions depend
 * on: a request that outlasts it on a busy machine is one more transient failure, retried.
 */
const CLIENT_TIMEOUT_MS = 500;
/** The workers' ARM client limits; retries and polls sleep on the virtual clock (at once, recorded). */
const CLIENT_LIMITS = { timeoutMs: CLIENT_TIMEOUT_MS, maxAttempts: 5, maxRetryDelayMs: 60_000, maxPolls: 2, pollIntervalMs: 5 } as const;
/**
 * The lease from the client's worst case (write-lease.ts), with ARM's straggler window taken as one
 * more timeout. On virtual time it cannot expire under a write anyway (time moves only when
 * nothing is in flight); it is the lease the workers would run with, so retries and redelivery
 * see claims held and released on the same scale as in production.
 */
const LEASE_MS = writeLeaseMs({ ...CLIENT_LIMITS, stragglerMs: CLIENT_TIMEOUT_MS });
/**
 * Virtual time between rounds of redelivery: a third of the lease, so a redelivered batch may meet a
 * claim still held (and fail again) as well as one whose lease ran out, as Event Grid's retries
 * (10 s, 30 s, 1 min, …) meet linkgate's lease of minutes.
 */
const REDELIVERY_DELAY_MS = Math.ceil(LEASE_MS / 3);
/** A write that did not land is retried after a lease (it may be one the client gave up on), within the deliveries' bound. */
const DECISION_RETRY = { maxAttempts: 6, baseDelayMs: LEASE_MS, maxDelayMs: LEASE_MS };
const STORE_FAULT_PROBABILITY = 0.04;

/** ~20 % of requests at each ARM step: every rule rolls its own dice, in order. */
function faultRules(): FaultRule[] {
  const operations: EmulatedOperation[] = ['list', 'get', 'endpoint', 'tenant', 'write', 'poll'];
  return operations.flatMap((operation): FaultRule[] => [
    { match: { operation }, probability: 0.05, fault: { kind: 'status', status: 429, retryAfter: 1 } },
    { match: { operation }, probability: 0.04, fault: { kind: 'status', status: 500 } },
    { match: { operation }, probability: 0.04, fault: { kind: 'status', status: 503 } },
    { match: { operation }, probability: 0.04, fault: { kind: 'reset' } },
    // Held until the client times out; a write still lands after it (the emulator's `idle()` waits for it).
    { match: { operation }, probability: 0.02, fault: { kind: 'timeout' } },
    // A slow answer, well within the client's timeout.
    { match: { operation }, probability: 0.02, fault: { kind: 'delay', ms: 40 } },
  ]);
}

type Clock = ReturnType<typeof manualClock>;

function worker(emulator: ArmEmulator, scenario: Scenario, store: AuditStore, seed: number, clock: Clock): PipelineDeps {
  const arm = createArmClient({
    endpoint: emulator.url,
    credential: { token: emulator.token },
    logger: silentLogger(),
    timeoutMs: CLIENT_LIMITS.timeoutMs,
    maxAttempts: CLIENT_LIMITS.maxAttempts,
    maxPolls: CLIENT_LIMITS.maxPolls,
    pollIntervalMs: CLIENT_LIMITS.pollIntervalMs,
    pacing: false,
    // Backoff, Retry-After and polling are asked for (recorded) and return at once: they move no lease.
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(seed),
  });
  return {
    arm,
    store,
    policies: scenario.policies,
    logger: silentLogger(),
    dryRun: false,
    leaseMs: LEASE_MS,
    retry: DECISION_RETRY,
    concurrency: 4,
    now: () => new Date(clock.now()),
    newId: () => randomUUID(),
  };
}

/** One event per connection (ungoverned ones too), 10 % twice, shuffled, in Event Grid-sized batches. */
async function deliveries(scenario: Scenario, random: () => number): Promise<{ batches: DeliveredEvent[][]; events: number; duplicates: number }> {
  const events = [...scenario.expected.values()].map((c) => connectionProxyWriteEvent(c.target, c.name));
  const duplicates = events.filter(() => random() < DUPLICATE_SHARE);
  const all = shuffle([...events, ...duplicates], random);
  const batches: DeliveredEvent[][] = [];
  for (let i = 0; i < all.length; i += BATCH_SIZE) {
    const parsed = await parseDelivery(all.slice(i, i + BATCH_SIZE), 'application/json');
    if (!parsed.ok) throw new Error(parsed.error);
    batches.push(parsed.delivery.events);
  }
  return { batches, events: all.length, duplicates: duplicates.length };
}

interface RunReport {
  /** Rounds of delivery: the first, then one per redelivery. */
  rounds: number;
  deliveries: number;
  redeliveries: number;
  exhausted: number;
  outcomes: Record<string, number>;
  /** Why deliveries failed (first error of each failed delivery, numbers blanked), for the printout. */
  failures: Record<string, number>;
}

/**
 * Delivers every batch, then redelivers the failed ones in rounds, each failed batch to the other
 * worker (as Event Grid may). Between rounds, and only there, virtual time moves on: after every
 * delivery of the round settled and the emulator has carried out every request it received (a write
 * whose client timed out lands then), so no lease expires under a write still on its way; etag-less
 * types have no If-Match to stop a second write.
 */
async function runDeliveries(batches: DeliveredEvent[][], workers: PipelineDeps[], clock: Clock, emulator: ArmEmulator): Promise<RunReport> {
  const report: RunReport = { rounds: 0, deliveries: 0, redeliveries: 0, exhausted: 0, outcomes: {}, failures: {} };
  const why = (text: string): void => {
    const key = text.replace(/\/subscriptions\/\S+/gu, '<id>').replace(/[0-9a-f-]{8,}/giu, '#').slice(0, 90);
    report.failures[key] = (report.failures[key] ?? 0) + 1;
  };
  /** One delivery of one batch; whether it must be redelivered. */
  const deliver = async (batch: DeliveredEvent[], deps: PipelineDeps, attempt: number): Promise<boolean> => {
    report.deliveries++;
    if (attempt > 0) report.redeliveries++;
    try {
      const outcome = await handleEvents(batch, deps);
      for (const target of outcome.targets) for (const [result, n] of Object.entries(target.results)) report.outcomes[result] = (report.outcomes[result] ?? 0) + n;
      const failed = outcome.transient || outcome.errors.length > 0;
      if (failed) why(outcome.errors[0] ?? 'transient');
      return failed;
    } catch (error) {
      why(String(error));
      return true;
    }
  };
  let waiting = batches.map((batch, index) => ({ batch, index }));
  for (let attempt = 0; attempt < MAX_DELIVERIES && waiting.length > 0; attempt++) {
    if (attempt > 0) {
      await emulator.idle();
      clock.advance(REDELIVERY_DELAY_MS);
    }
    report.rounds++;
    const failed: typeof waiting = [];
    // Each worker takes every other batch, three at a time; a batch moves to the other worker on each redelivery.
    const byWorker = workers.map((_, w) => waiting.filter(({ index }) => (index + attempt) % workers.length === w));
    await Promise.all(
      byWorker.map((mine, w) =>
        mapWithConcurrency(mine, 3, async (item) => {
          if (await deliver(item.batch, workers[w] as PipelineDeps, attempt)) failed.push(item);
        }),
      ),
    );
    waiting = failed.sort((a, b) => a.index - b.index);
  }
  report.exhausted = waiting.length;
  return report;
}

async function allRecords(store: AuditStore): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of store.query({})) records.push(record);
  return records;
}

interface Verdict {
  connections: number;
  pendingAtStart: number;
  expectedDecisions: Record<string, number>;
  finalStates: Record<string, number>;
  stateMismatches: string[];
  decided: number;
  /** Decided connections of types whose connections carry no etag (no If-Match to lean on). */
  decidedEtagless: number;
  etaglessWrittenExactlyOnce: number;
  writtenExactlyOnce: number;
  writeCountProblems: string[];
  nonPendingWrites: number;
  recordsPerDecision: Record<string, number>;
  recordProblems: string[];
  recordStatuses: Record<string, number>;
  wrongApprovals: string[];
  ungovernedRequests: number;
  /** Manual decisions: records per connection (appended, claim nothing). */
  manualRecordsPerConnection: Record<string, number>;
}

function judge(scenario: Scenario, emulator: ArmEmulator, records: AuditRecord[]): Verdict {
  const stats = emulator.stats();
  const live = new Map<string, string>();
  for (const provider of emulator.world.providers) {
    for (const c of provider.connections) live.set(`${provider.id}/privateEndpointConnections/${c.name}`.toLowerCase(), c.status);
  }
  const byConnection = new Map<string, AuditRecord[]>();
  for (const record of records) {
    if ((record.kind ?? 'decision') !== 'decision') continue;
    const key = record.connectionId.toLowerCase();
    byConnection.set(key, [...(byConnection.get(key) ?? []), record]);
  }
  const verdict: Verdict = {
    connections: scenario.expected.size,
    pendingAtStart: 0,
    expectedDecisions: tally([...scenario.expected.values()].map((c) => c.decision)),
    finalStates: tally(live.values()),
    stateMismatches: [],
    decided: 0,
    decidedEtagless: 0,
    etaglessWrittenExactlyOnce: 0,
    writtenExactlyOnce: 0,
    writeCountProblems: [],
    nonPendingWrites: stats.nonPendingWrites.length,
    recordsPerDecision: {},
    recordProblems: [],
    recordStatuses: {},
    wrongApprovals: [],
    manualRecordsPerConnection: {},
    ungovernedRequests: emulator.requests.filter((r) => r.path.toLowerCase().startsWith(`/subscriptions/${UNGOVERNED_SUB}`)).length,
  };
  for (const [key, expected] of scenario.expected) {
    if (expected.initial === 'Pending') verdict.pendingAtStart++;
    const status = live.get(key);
    if (status !== expected.final) verdict.stateMismatches.push(`${expected.name}: ARM shows ${status ?? 'nothing'}, policy says ${expected.final} (${expected.decision})`);
    if (status === 'Approved' && expected.decision !== 'approve') verdict.wrongApprovals.push(expected.name);
    const writes = stats.writesByConnection[key] ?? 0;
    const decided = expected.decision === 'approve' || expected.decision === 'reject';
    const mine = byConnection.get(key) ?? [];
    if (decided) {
      verdict.decided++;
      const etagless = isEtagless(scenario.world, expected.target);
      if (etagless) verdict.decidedEtagless++;
      if (writes === 1) {
        verdict.writtenExactlyOnce++;
        if (etagless) verdict.etaglessWrittenExactlyOnce++;
      } else verdict.writeCountProblems.push(`${expected.name}: ${writes} writes${etagless ? ' (etag-less)' : ''}`);
      const enforced = mine.filter((r) => r.enforced);
      verdict.recordsPerDecision[String(enforced.length)] = (verdict.recordsPerDecision[String(enforced.length)] ?? 0) + 1;
      for (const r of enforced) verdict.recordStatuses[r.action.status] = (verdict.recordStatuses[r.action.status] ?? 0) + 1;
      const complete = enforced.filter((r) => r.action.status === 'succeeded' || r.action.status === 'superseded');
      if (enforced.length !== 1 || complete.length !== 1 || enforced[0]?.decision !== expected.decision) {
        verdict.recordProblems.push(`${expected.name}: ${enforced.map((r) => `${r.decision}/${r.action.status}`).join(', ') || 'no record'}`);
      }
    } else if (expected.decision === 'manual') {
      const n = String(mine.filter((r) => r.decision === 'manual' && r.action.status === 'skipped').length);
      verdict.manualRecordsPerConnection[n] = (verdict.manualRecordsPerConnection[n] ?? 0) + 1;
    }
    if (!decided && writes !== 0) verdict.writeCountProblems.push(`${expected.name}: ${writes} writes for a ${expected.decision} decision`);
  }
  // Every write that approved something, from the emulator's own log of request bodies.
  for (const request of emulator.requests) {
    if (request.operation !== 'write' || request.status >= 300) continue;
    const body = request.body as { properties?: { privateLinkServiceConnectionState?: { status?: string } } } | undefined;
    if (body?.properties?.privateLinkServiceConnectionState?.status !== 'Approved') continue;
    if (scenario.expected.get(request.path.toLowerCase())?.decision !== 'approve') verdict.wrongApprovals.push(`write ${request.path}`);
  }
  return verdict;
}

function print(label: string, lines: Record<string, unknown>): void {
  console.log(`\n[fault-matrix ${label}]\n` + Object.entries(lines).map(([k, v]) => `  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n'));
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.each([
  { store: 'file' as const, note: 'one file store shared by both workers (the file store is single-process)' },
  { store: 'table' as const, note: 'Azure Table Storage on Azurite, one store instance per worker (true multi-instance)' },
])('fault matrix with the $store audit store', ({ store: kind, note }) => {
  it(`${TARGETS * PER_TARGET} Pending connections over ${TARGETS} targets, 20 % faults, duplicates, two workers, redelivery: policy's outcome exactly once`, async () => {
    const scenario = buildScenario({ targets: TARGETS, connectionsPerTarget: PER_TARGET });
    const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const emulator = await startArmEmulator({ world: scenario.world, buckets: false, faults: faultRules(), seed: 11, now: clock.now });
    cleanups.push(() => emulator.close());
    const random = seededRandom(23);
    let storeFaultsOn = true;
    const stores: AuditStore[] = [];
    const storeStats: StoreFaultStats[] = [];
    if (kind === 'file') {
      const dir = await mkdtemp(join(tmpdir(), 'linkgate-fault-matrix-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const shared = await openAuditStore({ kind: 'file', path: join(dir, 'audit.jsonl') }, { logger: silentLogger() });
      cleanups.push(() => shared.close());
      const faulty = withStoreFaults(shared, { probability: STORE_FAULT_PROBABILITY, random: seededRandom(31), enabled: () => storeFaultsOn });
      stores.push(faulty.store, faulty.store);
      storeStats.push(faulty.stats);
    } else {
      const table = `faultmatrix${randomUUID().replace(/-/gu, '').slice(0, 12)}`;
      for (let w = 0; w < 2; w++) {
        const opened = await openAuditStore({ kind: 'table', connection: inject('azuriteTableConnection'), table }, { logger: silentLogger() });
        cleanups.push(() => opened.close());
        const faulty = withStoreFaults(opened, { probability: STORE_FAULT_PROBABILITY, random: seededRandom(31 + w), enabled: () => storeFaultsOn });
        stores.push(faulty.store);
        storeStats.push(faulty.stats);
      }
    }
    const workers = stores.map((store, w) => worker(emulator, scenario, store, 100 + w, clock));
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w.arm.close()));
    });

    const { batches, events, duplicates } = await deliveries(scenario, random);
    const run = await runDeliveries(batches, workers, clock, emulator);
    await emulator.idle();
    storeFaultsOn = false;
    emulator.setFaults([]);
    const stats = emulator.stats();
    const records = await allRecords(stores[0] as AuditStore);
    const verdict = judge(scenario, emulator, records);

    print(`${kind} store: ${note}`, {
      connections: verdict.connections,
      targets: scenario.targets.length,
      'Pending at start': verdict.pendingAtStart,
      'policy says': verdict.expectedDecisions,
      'events sent (incl. duplicates)': events,
      'duplicate events': duplicates,
      batches: batches.length,
      'rounds of delivery': run.rounds,
      'virtual time passed (lease, between rounds)': `${clock.now() - Date.parse('2026-01-01T00:00:00Z')} ms (${LEASE_MS} ms, ${REDELIVERY_DELAY_MS} ms)`,
      'deliveries (incl. redeliveries)': run.deliveries,
      redeliveries: run.redeliveries,
      'batches still failing after redelivery': run.exhausted,
      'reconcile results': run.outcomes,
      'why deliveries failed': run.failures,
      'ARM requests': stats.requests,
      'ARM faults injected': `${stats.faultsInjected} (${((100 * stats.faultsInjected) / Math.max(1, stats.requests)).toFixed(1)} %)`,
      'ARM requests by operation': stats.byOperation,
      'ARM answers by status': stats.byStatus,
      'audit store calls / faults before / after': storeStats.map((s) => `${s.calls}/${s.before}/${s.after}`).join(' + '),
      'final ARM states': verdict.finalStates,
      'state mismatches': verdict.stateMismatches.length,
      'decided connections': verdict.decided,
      'written exactly once': verdict.writtenExactlyOnce,
      'decided etag-less connections (no If-Match) / written exactly once': `${verdict.decidedEtagless} / ${verdict.etaglessWrittenExactlyOnce}`,
      'write count problems': verdict.writeCountProblems.length,
      'write count problem examples': verdict.writeCountProblems.slice(0, 6),
      'record problem examples': verdict.recordProblems.slice(0, 4),
      'writes to non-Pending connections': verdict.nonPendingWrites,
      'ARM 412 answers': stats.preconditionFailed,
      'enforced records per decided connection': verdict.recordsPerDecision,
      'record outcomes': verdict.recordStatuses,
      'record problems': verdict.recordProblems.length,
      'manual records per manual connection': verdict.manualRecordsPerConnection,
      'approvals policy would not make': verdict.wrongApprovals.length,
      'requests to the ungoverned subscription': verdict.ungovernedRequests,
    });

    expect(verdict.pendingAtStart).toBe(TARGETS * PER_TARGET);
    expect(stats.faultsInjected / stats.requests).toBeGreaterThan(0.12);
    expect(verdict.wrongApprovals).toEqual([]);
    expect(verdict.ungovernedRequests).toBe(0);
    expect(verdict.stateMismatches.slice(0, 10)).toEqual([]);
    expect(verdict.writeCountProblems.slice(0, 10)).toEqual([]);
    expect(verdict.nonPendingWrites).toBe(0);
    expect(verdict.recordProblems.slice(0, 10)).toEqual([]);
    expect(verdict.writtenExactlyOnce).toBe(verdict.decided);
    expect(verdict.decidedEtagless).toBeGreaterThan(0);
    expect(verdict.etaglessWrittenExactlyOnce).toBe(verdict.decidedEtagless);
    expect(run.exhausted).toBe(0);
    // Every manual decision is on record exactly once: the stores' appendOnce is atomic, so two
    // racing workers or a retried append never add a second identical record.
    expect(Object.keys(verdict.manualRecordsPerConnection)).toEqual(['1']);
    // Bounded by work (at most MAX_DELIVERIES rounds over the batches, each delivery bounded by the
    // client's attempts), not by how fast a shared machine runs it: the time limit guards against a hang only.
  }, FULL ? 3_600_000 : 900_000);
});
