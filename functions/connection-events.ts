/**
 * Event Grid trigger: a connection, connection proxy or private endpoint was written somewhere a
 * policy cares about. The event only names a target; the pipeline re-reads it from ARM and
 * decides every Pending connection. Throwing fails the invocation so Event Grid redelivers.
 * Registered by functions/app.ts, which imports this module on the first invocation.
 */
import type { EventGridEvent, InvocationContext } from '@azure/functions';
import { withAdmission, workerAdmission } from '../src/host/admit-invocation.js';
import { handleEventsOrThrow } from '../src/pipeline/handle-events.js';
import { sharedRuntime } from '../src/runtime/create-runtime.js';
import { messageOf } from '../src/errors/linkgate-error.js';
import { deliveredFromHost } from './host-event.js';

export async function connectionEvents(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const runtime = await sharedRuntime();
  const logger = runtime.logger.child({ invocationId: context.invocationId, eventId: event.id });
  const parsed = deliveredFromHost(event);
  if (!parsed.ok) {
    // Redelivering a malformed event cannot help: log it and let it go.
    logger.warn({ reason: parsed.error }, 'malformed event ignored');
    context.warn(`linkgate: malformed event ${event.id} ignored: ${parsed.error}`);
    return;
  }
  try {
    // Beyond the worker's bound the invocation fails at once and Event Grid retries (src/host/admit-invocation.ts).
    const outcome = await withAdmission(workerAdmission(runtime.config.serve), 1, () => handleEventsOrThrow([parsed.event], runtime.pipeline));
    context.log(`linkgate: event ${event.id} → ${outcome.targets.length} target(s) reconciled`);
  } catch (error) {
    context.error(`linkgate: event ${event.id} failed and will be retried: ${messageOf(error)}`);
    throw error;
  }
}
