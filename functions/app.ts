/**
 * The Functions app's entry (package.json `main` is its bundle, dist/functions-app/main.js, built
 * by scripts/bundle-functions.mjs): it registers the functions with the worker and nothing more.
 * A cold worker imports this module before it can take an invocation, so everything the handlers
 * need (the runtime, policies, undici, @azure/identity, @azure/data-tables, pino, ajv) is imported
 * on the first invocation instead: esbuild puts those modules in chunks of their own that this
 * module does not import statically (issue 12: the eager bundle took 3.9× `@azure/functions`).
 * test/functions/bundle.test.ts keeps it that way. The handlers are exported too, so tests and the
 * benchmark drive them the way the worker does.
 */
import { app, type EventGridEvent, type InvocationContext, type Timer } from '@azure/functions';
import { sweepSchedule } from '../src/runtime/functions-settings.js';

/** Whether a handler has been loaded: until then there is no runtime to close. */
let loaded = false;

export async function connectionEvents(event: EventGridEvent, context: InvocationContext): Promise<void> {
  loaded = true;
  const handler = await import('./connection-events.js');
  return handler.connectionEvents(event, context);
}

export async function sweep(timer: Timer, context: InvocationContext): Promise<void> {
  loaded = true;
  const handler = await import('./sweep.js');
  return handler.sweep(timer, context);
}

/** On shutdown, lets work under way finish, then closes the runtime (ARM sockets, the audit store's writer). */
export async function closeApp(): Promise<void> {
  // Loading the runtime only to find nothing to close would slow the shutdown of an idle worker.
  if (!loaded) return;
  const { closeWorker } = await import('./close-worker.js');
  await closeWorker();
}

// The worker indexes functions with the app settings in process.env; a '%SETTING%' binding would
// fail to index when the setting is absent, taking the safety net down with it.
export const SWEEP_SCHEDULE = sweepSchedule(process.env);

app.eventGrid('connection-events', { handler: connectionEvents });
app.timer('sweep', { schedule: SWEEP_SCHEDULE, handler: sweep });
app.hook.appTerminate(() => closeApp());
