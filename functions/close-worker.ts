/**
 * What the host's appTerminate hook runs once a handler has been loaded (functions/app.ts): a
 * scale-in or restart ends cleanly, with the ARM client's sockets and the audit store's writer
 * closed. Loaded lazily, like the handlers.
 */
import { closeSharedRuntime } from '../src/runtime/create-runtime.js';

export async function closeWorker(): Promise<void> {
  await closeSharedRuntime();
}
