/**
 * What the Functions entry points need from the app settings before their first invocation:
 * the sweep timer's schedule (the worker indexes functions at load, so the schedule is read then)
 * and closing the shared runtime when the host shuts the worker down.
 */
import { app } from '@azure/functions';
import { ConfigError, DEFAULT_SWEEP_SCHEDULE, readConfig } from '../config/read-config.js';
import { closeSharedRuntime } from './create-runtime.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The validated `config.sweep.schedule`. With invalid settings the timer still registers, on the
 * default schedule, so that each run fails naming the bad setting (sharedRuntime throws the same
 * ConfigError) instead of the worker failing to index every function, the safety net included.
 */
export function sweepSchedule(env: Env = process.env): string {
  try {
    return readConfig(env).sweep.schedule;
  } catch (error) {
    if (error instanceof ConfigError) return DEFAULT_SWEEP_SCHEDULE;
    throw error;
  }
}

/**
 * Registers an appTerminate hook that closes the shared runtime (ARM client sockets, the audit
 * store's writer), so a scale-in or restart ends cleanly. Every entry point registers one, so
 * none depends on another being loaded; the first closes the runtime and the rest find none.
 */
export function closeRuntimeOnAppTerminate(hook: Pick<typeof app.hook, 'appTerminate'> = app.hook): void {
  hook.appTerminate(() => closeSharedRuntime());
}
