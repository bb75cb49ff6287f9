/**
 * What the Functions app reads before its first invocation (the sweep schedule is the validated
 * config.sweep.schedule), and its appTerminate hook, which closes the shared runtime once in use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvocationContext, type EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SWEEP_SCHEDULE } from '../../src/config/read-config.js';
import { sharedRuntime } from '../../src/runtime/create-runtime.js';
import { sweepSchedule } from '../../src/runtime/functions-settings.js';

describe('sweepSchedule', () => {
  it('is the validated LINKGATE_SWEEP_SCHEDULE, trimmed, and the default when unset', () => {
    expect(sweepSchedule({ LINKGATE_SWEEP_SCHEDULE: ' 0 0 */6 * * * ' })).toBe('0 0 */6 * * *');
    expect(sweepSchedule({})).toBe(DEFAULT_SWEEP_SCHEDULE);
    expect(DEFAULT_SWEEP_SCHEDULE).toBe('0 */15 * * * *');
  });

  it('keeps the timer registered on the default when the settings are invalid (each run then fails naming them)', async () => {
    const env = { LINKGATE_SWEEP_SCHEDULE: '*/5 * * * *', LINKGATE_DRY_RUN: 'treu' };
    expect(sweepSchedule(env)).toBe(DEFAULT_SWEEP_SCHEDULE);
    const failure = await sharedRuntime(env).then(() => new Error('expected a ConfigError'), (error: unknown) => error as Error);
    expect(failure.message).toContain('LINKGATE_SWEEP_SCHEDULE is "*/5 * * * *"; it should be a six-field NCRONTAB');
    expect(failure.message).toContain('LINKGATE_DRY_RUN is "treu"; it should be true or false');
  });
});

describe("the app's appTerminate hook (closeApp)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-terminate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('closes the worker runtime once a handler has run, after which the next invocation builds a new one', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { closeApp, connectionEvents } = await import('../../functions/app.js').finally(() => warn.mockRestore());
    const env = { LINKGATE_ARM_TOKEN: 'emulator-token', LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:9', LINKGATE_POLICY_DIR: resolve('policies'), LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl'), LINKGATE_LOG_LEVEL: 'silent' };
    const first = sharedRuntime(env);
    const runtime = await first;
    const close = vi.spyOn(runtime, 'close');
    // No handler has been loaded yet: an idle worker's shutdown loads nothing and closes nothing.
    await closeApp();
    expect(close).not.toHaveBeenCalled();
    // A malformed event is let go without ARM, but the handler (and the runtime) are now in use.
    const context = new InvocationContext({ invocationId: 'terminate', functionName: 'connection-events', logHandler: () => undefined });
    await connectionEvents({} as EventGridEvent, context);
    await closeApp();
    expect(close).toHaveBeenCalledTimes(1);
    // A second hook call finds nothing left to close.
    await closeApp();
    expect(close).toHaveBeenCalledTimes(1);
    const second = sharedRuntime(env);
    expect(second).not.toBe(first);
    await (await second).close();
  });
});
