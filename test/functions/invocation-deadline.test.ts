/**
 * Issue 11 (Build 2 and 5) in the Functions handler: an invocation is answered by its deadline
 * (LINKGATE_SERVE_DEADLINE_MS, shared with `linkgate serve` through src/host/deliver-within-deadline.ts).
 * Past it the invocation fails as transient, so Event Grid retries, while the work it has under
 * way finishes and records every write it claimed and starts nothing new; the redelivery then
 * finds the decisions made and writes nothing twice. The deadline is a timer the test fires and
 * ARM writes wait on a promise the test resolves: nothing here waits on the wall clock.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { closeWorker } from '../../functions/close-worker.js';
import { connectionEventsHandler, runningInvocations } from '../../functions/connection-events.js';
import type { ArmClient } from '../../src/arm/types.js';
import { readConfig } from '../../src/config/read-config.js';
import { runWithDeadline, unfinishedWork } from '../../src/host/deliver-within-deadline.js';
import { manualDeadlineTimer } from '../support/manual-deadline-timer.js';
import { isTransientError } from '../../src/pipeline/classify-error.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { PLS_ID, STORAGE_ID, e2eWorld, linkgateEnv, outcomeProblems, plannedWrites, readAuditRecords } from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

/** A promise the test settles itself. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('runWithDeadline', () => {
  it('answers with the result of work that ends in time, and cancels the deadline', async () => {
    const timer = manualDeadlineTimer();
    const run = runWithDeadline(async () => 'done', 1_000, timer);
    expect(await run.outcome).toEqual({ kind: 'finished', result: 'done' });
    await run.settled;
    expect(timer.started.map((t) => [t.ms, t.cancelled])).toEqual([[1_000, true]]);
  });

  it('answers with the error of work that fails in time, a synchronous throw included', async () => {
    const failing = runWithDeadline(() => Promise.reject(new Error('arm down')), 1_000, manualDeadlineTimer());
    expect(await failing.outcome).toMatchObject({ kind: 'failed', error: { message: 'arm down' } });
    const throwing = runWithDeadline(() => {
      throw new Error('at once');
    }, 1_000, manualDeadlineTimer());
    expect(await throwing.outcome).toMatchObject({ kind: 'failed', error: { message: 'at once' } });
    await expect(throwing.settled).resolves.toBeUndefined();
  });

  it('answers late at the deadline, aborts the work signal, and lets the work run to its end', async () => {
    const timer = manualDeadlineTimer();
    const release = deferred<undefined>();
    let seen: AbortSignal | undefined;
    let ended = false;
    const run = runWithDeadline(async (signal) => {
      seen = signal;
      await release.promise;
      ended = true;
      return 'late result';
    }, 1_000, timer);
    timer.started[0]!.fire();
    expect(await run.outcome).toEqual({ kind: 'late' });
    expect(seen?.aborted).toBe(true);
    expect(ended).toBe(false);
    release.resolve(undefined);
    await run.settled;
    expect(ended).toBe(true);
  });
});

describe('unfinishedWork', () => {
  it('settles once everything tracked has ended, work tracked meanwhile and failures included', async () => {
    const work = unfinishedWork();
    const first = deferred<undefined>();
    const second = deferred<undefined>();
    work.track(first.promise);
    let settled = false;
    const waiting = work.settled().then(() => {
      settled = true;
    });
    work.track(second.promise);
    first.reject(new Error('failed work still ends'));
    await first.promise.catch(() => undefined);
    expect(settled).toBe(false);
    expect(work.size).toBe(1);
    second.resolve(undefined);
    await waiting;
    expect(settled).toBe(true);
    expect(work.size).toBe(0);
  });
});

describe('the connection-events handler at its deadline', () => {
  let emulator: ArmEmulator;
  let dir: string;
  let env: Record<string, string>;
  let runtime: Runtime;

  const event = (fixture: string): EventGridEvent => {
    const body = readFixture<unknown>(fixture);
    return (Array.isArray(body) ? body[0] : body) as EventGridEvent;
  };
  const invocation = (): { context: InvocationContext; logs: Array<{ level: string; message: string }> } => {
    const logs: Array<{ level: string; message: string }> = [];
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'connection-events', logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }) });
    return { context, logs };
  };
  const records = () => readAuditRecords(readConfig(env).audit);

  beforeAll(async () => {
    emulator = await startArmEmulator({ world: e2eWorld() });
    dir = await mkdtemp(join(tmpdir(), 'linkgate-deadline-'));
    env = linkgateEnv(emulator, { kind: 'file' }, dir);
    runtime = await createRuntime(readConfig(env));
  });

  afterAll(async () => {
    await runtime.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the invocation as transient while a claimed write is under way; the write finishes and is recorded; the redelivery writes nothing twice', async () => {
    const gate = deferred<undefined>();
    const firstWrite = deferred<undefined>();
    const arm = runtime.pipeline.arm;
    const gated: ArmClient = {
      ...arm,
      async setConnectionStatus(request) {
        firstWrite.resolve(undefined);
        await gate.promise;
        return arm.setConnectionStatus(request);
      },
    };
    const timer = manualDeadlineTimer();
    const unfinished = unfinishedWork();
    const late = connectionEventsHandler({ runtime: async () => ({ ...runtime, pipeline: { ...runtime.pipeline, arm: gated } }), deadlineMs: () => 20_000, timer, unfinished });
    const delivered = event(EVENT_FIXTURES.pecProxyEventGrid);
    const call = invocation();
    const answered = late(delivered, call.context);
    await firstWrite.promise;
    expect(timer.started.map((t) => t.ms)).toEqual([20_000]);
    timer.started[0]!.fire();
    const failure = await answered.then(() => new Error('expected the invocation to fail'), (error: unknown) => error);
    expect(String(failure)).toMatch(/not finished within 20000 ms; decisions under way are still carried out and recorded/u);
    expect(isTransientError(failure)).toBe(true);
    expect(call.logs.some((l) => l.level === 'error' && l.message.includes('will be retried'))).toBe(true);
    // Answered, but the claimed write has not been made yet: its intent is recorded as pending.
    expect(emulator.writes()).toBe(0);
    expect((await records()).filter((r) => r.action.status === 'pending').length).toBeGreaterThan(0);

    gate.resolve(undefined);
    await unfinished.settled();
    // Every write the late work made is recorded as made; none is left pending.
    const afterLate = await records();
    expect(emulator.writes()).toBeGreaterThan(0);
    expect(afterLate.filter((r) => r.action.status === 'pending')).toEqual([]);
    expect(afterLate.filter((r) => r.action.status === 'succeeded')).toHaveLength(emulator.writes());
    // Nothing was logged to the invocation once it had been answered.
    expect(call.logs.filter((l) => l.level !== 'error')).toEqual([]);

    // Event Grid redelivers: the decisions the late work made are found, the rest is made, each once.
    const inTime = manualDeadlineTimer();
    const redelivery = invocation();
    await connectionEventsHandler({ runtime: async () => runtime, deadlineMs: () => 20_000, timer: inTime, unfinished })(delivered, redelivery.context);
    expect(inTime.started.map((t) => t.cancelled)).toEqual([true]);
    expect(redelivery.logs.some((l) => l.message.includes('1 target(s) reconciled'))).toBe(true);
    expect(emulator.writes()).toBe(plannedWrites([STORAGE_ID]));
    expect(outcomeProblems(emulator, await records(), STORAGE_ID, { eventIds: [delivered.id], policyRevision: runtime.policies.revision })).toEqual([]);
  });

  it('past its deadline before the runtime is ready, fails the invocation, and the event starts no ARM work', async () => {
    const ready = deferred<Runtime>();
    const timer = manualDeadlineTimer();
    const unfinished = unfinishedWork();
    const handler = connectionEventsHandler({ runtime: () => ready.promise, deadlineMs: () => 20_000, timer, unfinished });
    const requests = emulator.requests.length;
    const before = await records();
    const answered = handler(event(EVENT_FIXTURES.privateEndpointEventGrid), invocation().context);
    timer.started[0]!.fire();
    await expect(answered).rejects.toThrow(/not finished within 20000 ms/u);
    ready.resolve(runtime);
    await unfinished.settled();
    expect(emulator.requests.length).toBe(requests);
    expect(await records()).toEqual(before);
    // The PLS this event names is still to be decided by the redelivery.
    expect(outcomeProblems(emulator, await records(), PLS_ID, { eventIds: [], policyRevision: runtime.policies.revision }).length).toBeGreaterThan(0);
  });

  it('fails at once, naming the setting, when the deadline setting is invalid', async () => {
    const call = invocation();
    const saved = process.env['LINKGATE_SERVE_DEADLINE_MS'];
    process.env['LINKGATE_SERVE_DEADLINE_MS'] = '90000';
    try {
      await expect(connectionEventsHandler({ runtime: async () => runtime })(event(EVENT_FIXTURES.pecProxyEventGrid), call.context)).rejects.toThrow(/LINKGATE_SERVE_DEADLINE_MS/u);
    } finally {
      if (saved === undefined) Reflect.deleteProperty(process.env, 'LINKGATE_SERVE_DEADLINE_MS');
      else process.env['LINKGATE_SERVE_DEADLINE_MS'] = saved;
    }
    expect(call.logs.some((l) => l.level === 'error' && l.message.includes('LINKGATE_SERVE_DEADLINE_MS'))).toBe(true);
  });

  it("the worker's shutdown waits for invocations still at work before it closes the runtime", async () => {
    const work = deferred<undefined>();
    runningInvocations.track(work.promise);
    let closed = false;
    const closing = closeWorker().then(() => {
      closed = true;
    });
    // Let everything that could run without the work run: closing must still be waiting.
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    work.resolve(undefined);
    await closing;
    expect(closed).toBe(true);
  });
});
