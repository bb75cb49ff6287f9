/**
 * What the host's appTerminate hook runs once a handler has been loaded (functions/app.ts): a
 * scale-in or restart ends cleanly. Work of invocations failed at their deadline is still writing
 * and recording decisions it has claimed: it finishes first, then the ARM client's sockets and the
 * audit store's writer are closed. Loaded lazily, like the handlers.
 */
import { closeSharedRuntime } from '../src/runtime/create-runtime.js';
import { runningInvocations } from './connection-events.js';

export async function closeWorker(): Promise<void> {
  await runningInvocations.settled();
  await closeSharedRuntime();
}
