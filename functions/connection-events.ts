/**
 * Event Grid trigger: a connection, connection proxy or private endpoint was written somewhere a
 * policy cares about. The event only names a target; the pipeline re-reads it from ARM and
 * decides every Pending connection. Throwing fails the invocation so Event Grid redelivers.
 * Registered by functions/app.ts, which imports this module on the first invocation.
 *
 * Each invocation is answered by its deadline (LINKGATE_SERVE_DEADLINE_MS, as for `linkgate
 * serve`; default 25 s, inside Event Grid's 30 s), runtime start included: past it the invocation
 * fails (transient) so Event Grid retries, and the work, which starts nothing new from then on,
 * still writes and records every decision it has claimed (src/host/deliver-within-deadline.ts).
 * The worker's shutdown waits for that work (functions/close-worker.ts).
 */
import type { EventGridEvent, InvocationContext } from '@azure/functions';
import { readConfig } from '../src/config/read-config.js';
import { armWithDeadline } from '../src/host/arm-with-deadline.js';
import { withAdmission, workerAdmission } from '../src/host/admit-invocation.js';
import { lateDeliveryError, runWithDeadline, unfinishedWork, type DeadlineTimer, type UnfinishedWork } from '../src/host/deliver-within-deadline.js';
import { handleEventsOrThrow } from '../src/pipeline/handle-events.js';
import { sharedRuntime, type Runtime } from '../src/runtime/create-runtime.js';
import { messageOf } from '../src/errors/linkgate-error.js';
import { deliveredFromHost } from './host-event.js';

export interface ConnectionEventsOptions {
  /** The worker's runtime; default the shared one, built from the app settings on first use. */
  runtime?: () => Promise<Runtime>;
  /** The answer deadline; default LINKGATE_SERVE_DEADLINE_MS from the app settings. */
  deadlineMs?: () => number;
  timer?: DeadlineTimer;
  /** Where each invocation's work is kept until it ends, answered in time or not, so shutdown can wait for it. */
  unfinished?: UnfinishedWork;
}

/** This worker's invocations whose work has not ended (some already failed at their deadline); shutdown waits for them. */
export const runningInvocations = unfinishedWork();

export function connectionEventsHandler(options: ConnectionEventsOptions = {}): (event: EventGridEvent, context: InvocationContext) => Promise<void> {
  const runtimeOf = options.runtime ?? (() => sharedRuntime());
  // Invalid settings throw the ConfigError the runtime would, naming them, and fail the invocation.
  const deadlineOf = options.deadlineMs ?? (() => readConfig(process.env).serve.deadlineMs);
  const unfinished = options.unfinished ?? runningInvocations;

  async function handle(event: EventGridEvent, context: InvocationContext, signal: AbortSignal): Promise<string | undefined> {
    const runtime = await runtimeOf();
    const logger = runtime.logger.child({ invocationId: context.invocationId, eventId: event.id });
    const parsed = deliveredFromHost(event);
    if (!parsed.ok) {
      // Redelivering a malformed event cannot help: log it and let it go.
      logger.warn({ reason: parsed.error }, 'malformed event ignored');
      if (!signal.aborted) context.warn(`linkgate: malformed event ${event.id} ignored: ${parsed.error}`);
      return undefined;
    }
    try {
      // Beyond the worker's bound the invocation fails at once and Event Grid retries (src/host/admit-invocation.ts);
      // past the deadline this event's work starts no new ARM work (src/host/arm-with-deadline.ts).
      const pipeline = { ...runtime.pipeline, arm: armWithDeadline(runtime.pipeline.arm, signal) };
      const outcome = await withAdmission(workerAdmission(runtime.config.serve), 1, () => handleEventsOrThrow([parsed.event], pipeline));
      if (signal.aborted) logger.warn({ targets: outcome.targets.length }, 'event finished after its invocation failed at the deadline; its decisions are recorded and the redelivery finds them');
      return `linkgate: event ${event.id} → ${outcome.targets.length} target(s) reconciled`;
    } catch (error) {
      // Once the invocation has been answered, its context is closed: the work's end goes to the log.
      if (signal.aborted) logger.warn({ err: error }, 'event failed after its invocation failed at the deadline; Event Grid retries it');
      throw error;
    }
  }

  return async function connectionEvents(event: EventGridEvent, context: InvocationContext): Promise<void> {
    const fail = (error: unknown): never => {
      context.error(`linkgate: event ${event.id} failed and will be retried: ${messageOf(error)}`);
      throw error;
    };
    let deadlineMs: number;
    try {
      deadlineMs = deadlineOf();
    } catch (error) {
      return fail(error);
    }
    const run = runWithDeadline((signal) => handle(event, context, signal), deadlineMs, options.timer);
    unfinished.track(run.settled);
    const outcome = await run.outcome;
    if (outcome.kind === 'finished') {
      if (outcome.result !== undefined) context.log(outcome.result);
      return;
    }
    return fail(outcome.kind === 'late' ? lateDeliveryError(deadlineMs) : outcome.error);
  };
}

export const connectionEvents = connectionEventsHandler();
