/**
 * The registered Functions handler (functions/app.ts, which loads functions/connection-events.ts on
 * the first invocation) driven the way the Functions host drives it: one event per invocation, a real `InvocationContext` from @azure/functions, and
 * the runtime built by `sharedRuntime()` from process.env (the app settings) against the ARM
 * emulator. The host answers the webhook handshakes itself, so only notifications reach a handler.
 *
 * One runtime per worker process, as in Azure: the tests below share the emulator, its world and
 * the audit file, and run in order (each fixture names a target of its own).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { privateEndpointWriteEvent, resourceWriteSuccessEvent } from '../../src/demo/demo-events.js';
import { readConfig } from '../../src/config/read-config.js';
import { sharedRuntime } from '../../src/runtime/create-runtime.js';
import {
  BULK_TARGETS,
  FIXTURE_UNGOVERNED_PLS,
  PLS_ID,
  PLS_REPORTS_ID,
  STORAGE_ID,
  UNGOVERNED_STORAGE,
  bulkHubEndpoint,
  e2eWorld,
  linkgateEnv,
  outcomeProblems,
  planFor,
  plannedRecords,
  plannedWrites,
  readAuditRecords,
  retarget,
  statusIn,
} from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

type Json = Record<string, unknown>;
type Handler = (event: EventGridEvent, context: InvocationContext) => Promise<void>;

let emulator: ArmEmulator;
let dir: string;
let env: Record<string, string>;
let connectionEvents: Handler;
const registrationWarnings: string[] = [];
const savedEnv = { ...process.env };
/** The intent the transient failure left pending: the redelivery must complete this very record. */
let interruptedRecordId: string | undefined;

interface Invocation {
  context: InvocationContext;
  logs: Array<{ level: string; message: string }>;
}

function invocation(): Invocation {
  const logs: Invocation['logs'] = [];
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: 'connection-events',
    logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }),
  });
  return { context, logs };
}

/** The Functions host hands the handler one event per invocation, in whichever schema was delivered. */
async function invoke(event: unknown): Promise<Invocation> {
  const call = invocation();
  await connectionEvents(event as EventGridEvent, call.context);
  return call;
}

function only(fixture: string): Json {
  const body = readFixture<unknown>(fixture);
  return (Array.isArray(body) ? body[0] : body) as Json;
}

async function records() {
  return readAuditRecords(readConfig(env).audit);
}

async function problemsFor(targets: readonly string[], eventIds: readonly string[]): Promise<string[]> {
  const all = await records();
  const { policies } = await sharedRuntime();
  return targets.flatMap((target) => outcomeProblems(emulator, all, target, { eventIds, policyRevision: policies.revision }));
}

beforeAll(async () => {
  emulator = await startArmEmulator({ world: e2eWorld() });
  dir = await mkdtemp(join(tmpdir(), 'linkgate-functions-'));
  env = linkgateEnv(emulator, { kind: 'file' }, dir);
  // The app settings, in place before the first invocation builds the shared runtime.
  Object.assign(process.env, env);
  // Importing the app registers the function (app.eventGrid). Outside the Functions host the
  // library runs in "test mode": it skips the registration with a warning instead of throwing.
  const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    registrationWarnings.push(args.map(String).join(' '));
  });
  try {
    ({ connectionEvents } = await import('../../functions/app.js'));
  } finally {
    warn.mockRestore();
  }
});

afterAll(async () => {
  await sharedRuntime()
    .then((runtime) => runtime.close())
    .catch(() => undefined);
  // Put the settings back as they were (Reflect.deleteProperty: process.env is a plain record here).
  for (const name of Object.keys(env)) {
    if (savedEnv[name] === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = savedEnv[name];
  }
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Functions handler connection-events', () => {
  it('registers itself as an Event Grid trigger on import, without the Functions host', () => {
    expect(typeof connectionEvents).toBe('function');
    expect(registrationWarnings.some((w) => w.includes('"connection-events"'))).toBe(true);
  });

  it('fails the invocation, and makes no ARM request, while the audit store cannot be opened', async () => {
    // A path under a regular file can never be created.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    process.env['LINKGATE_AUDIT_PATH'] = join(blocker, 'audit.jsonl');
    try {
      const call = invocation();
      await expect(connectionEvents(only(EVENT_FIXTURES.pecProxyEventGrid) as unknown as EventGridEvent, call.context)).rejects.toThrow(/audit/iu);
      expect(emulator.requests).toHaveLength(0);
    } finally {
      process.env['LINKGATE_AUDIT_PATH'] = env['LINKGATE_AUDIT_PATH'];
    }
  });

  it('fails the invocation on a transient ARM failure, and records no outcome that did not happen', async () => {
    emulator.setFaults([{ match: { operation: 'write' }, fault: { kind: 'status', status: 503, retryAfter: 0 } }]);
    const event = only(EVENT_FIXTURES.pecProxyEventGrid);
    const call = invocation();
    try {
      await expect(connectionEvents(event as unknown as EventGridEvent, call.context)).rejects.toThrow(/503|transient|retried/iu);
    } finally {
      emulator.setFaults([]);
    }
    expect(call.logs.some((l) => l.level === 'error' && l.message.includes('will be retried'))).toBe(true);
    expect(emulator.writes()).toBe(0);
    expect(emulator.stats().faultsInjected).toBeGreaterThan(0);
    for (const connection of planFor(STORAGE_ID)) expect(statusIn(emulator, connection.id)).toBe(connection.status);
    const written = await records();
    expect(written.length).toBeGreaterThan(0);
    for (const record of written) {
      // Nothing claims success or a final failure: the write is still owed and will be retried.
      expect(['pending', 'skipped'], JSON.stringify(record.action)).toContain(record.action.status);
      if (record.action.status === 'pending') expect(record.action.error).toMatch(/503/u);
    }
    const pending = written.filter((r) => r.action.status === 'pending');
    expect(pending).toHaveLength(1);
    interruptedRecordId = pending[0]!.id;
  });

  it('carries the decisions out once the redelivered event finds ARM healthy again', async () => {
    const event = only(EVENT_FIXTURES.pecProxyEventGrid);
    const call = await invoke(event);
    expect(call.logs.some((l) => l.level === 'information' && l.message.includes('1 target(s) reconciled'))).toBe(true);
    expect(await problemsFor([STORAGE_ID], [event['id'] as string])).toEqual([]);
    expect(emulator.writes()).toBe(plannedWrites([STORAGE_ID]));
    // The interrupted intent was finished under its own record, not duplicated.
    const finished = (await records()).find((r) => r.id === interruptedRecordId);
    expect(finished?.action.status).toBe('succeeded');
  });

  it('writes and records nothing more for the CloudEvents twin of the same write', async () => {
    const before = await records();
    const writes = emulator.writes();
    await invoke(only(EVENT_FIXTURES.pecProxyCloudEvent));
    expect(emulator.writes()).toBe(writes);
    expect(await records()).toEqual(before);
  });

  it('reconciles the Private Link Service a consumer private endpoint write names', async () => {
    const event = only(EVENT_FIXTURES.privateEndpointEventGrid);
    await invoke(event);
    expect(await problemsFor([STORAGE_ID, PLS_ID], [only(EVENT_FIXTURES.pecProxyEventGrid)['id'] as string, event['id'] as string])).toEqual([]);
    expect(emulator.writes()).toBe(plannedWrites([STORAGE_ID, PLS_ID]));
  });

  it('reconciles the resource a CreatedOrUpdated notification names (retargeted to a governed Private Link Service)', async () => {
    const event = retarget(only(EVENT_FIXTURES.resourceNotificationPls), FIXTURE_UNGOVERNED_PLS, PLS_REPORTS_ID);
    await invoke(event);
    expect(await problemsFor([PLS_REPORTS_ID], [event['id'] as string])).toEqual([]);
    expect(emulator.writes()).toBe(plannedWrites([STORAGE_ID, PLS_ID, PLS_REPORTS_ID]));
  });

  it('makes no ARM request for forged events naming resources no policy governs, or for a stray validation event', async () => {
    const before = emulator.requests.length;
    const recordsBefore = await records();
    await invoke(only(EVENT_FIXTURES.resourceNotificationPls));
    await invoke(retarget(only(EVENT_FIXTURES.pecProxyEventGrid), STORAGE_ID, UNGOVERNED_STORAGE));
    await invoke(retarget(only(EVENT_FIXTURES.pecProxyCloudEvent), STORAGE_ID, UNGOVERNED_STORAGE));
    await invoke(only(EVENT_FIXTURES.subscriptionValidation));
    expect(emulator.requests.length).toBe(before);
    expect(await records()).toEqual(recordsBefore);
  });

  it('runs 50 invocations at once over 20 targets: each decided write made once, each decision recorded once', async () => {
    const template = only(EVENT_FIXTURES.pecProxyEventGrid);
    const events: Json[] = [
      ...BULK_TARGETS.map((target) => ({ ...retarget(template, STORAGE_ID, target), id: randomUUID() })),
      ...BULK_TARGETS.map((target) =>
        resourceWriteSuccessEvent({ resourceUri: planFor(target).find((c) => c.expected === 'reject')!.id, operationName: 'Microsoft.Storage/storageAccounts/privateEndpointConnections/write' }),
      ),
      ...Array.from({ length: 10 }, (_, i) => privateEndpointWriteEvent(bulkHubEndpoint(i))),
    ];
    expect(events).toHaveLength(50);
    const writesBefore = emulator.writes();
    const recordsBefore = (await records()).length;

    // Concurrent invocations race on the same targets: only the claimer of a decision writes.
    await Promise.all(events.map((event) => invoke(event)));

    expect(await problemsFor(BULK_TARGETS, events.map((e) => e['id'] as string))).toEqual([]);
    expect(emulator.writes() - writesBefore).toBe(plannedWrites(BULK_TARGETS));
    expect((await records()).length - recordsBefore).toBe(plannedRecords(BULK_TARGETS));
    expect(emulator.stats().nonPendingWrites).toEqual([]);
  });
});
