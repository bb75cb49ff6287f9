/**
 * What the Functions app needs from the app settings before its first invocation: the sweep
 * timer's schedule (the worker indexes functions at load, so the schedule is read then). The entry
 * module imports this, so it stays free of anything the handlers load lazily (functions/app.ts).
 */
import { ConfigError, DEFAULT_SWEEP_SCHEDULE, readConfig } from '../config/read-config.js';

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
