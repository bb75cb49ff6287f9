/**
 * The `sweep` timer function's handler, run as the Functions host would run it: a real
 * InvocationContext and a Timer, the app settings in process.env (read once by sharedRuntime on
 * the first invocation), ARM played by the emulator with its default buckets on.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext, type LogLevel, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { generateWorld, type World } from '../../emulator/world.js';
import { sweep } from '../../functions/sweep.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { sharedRuntime } from '../../src/runtime/create-runtime.js';
import type { PolicyDocument } from '../../src/policy/types.js';

const PROVIDER = 'b0000000-0000-4000-8000-000000000001';
const FRIENDS = ['d0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002'];
const OTHERS = ['d0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004'];

/** Private Link Services (governed) alternate with storage accounts (no policy: never touched). */
const POLICY: PolicyDocument = {
  name: 'pls-friends',
  targets: [`/subscriptions/${PROVIDER}/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*`],
  autoApproval: FRIENDS,
  otherwise: 'reject',
};

const TIMER: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '2026-01-01T00:00:00.000Z', next: '2026-01-01T00:15:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z' },
};

const isPls = (id: string): boolean => /\/privateLinkServices\//iu.test(id);

function invocation(id: string): { context: InvocationContext; logs: Array<{ level: LogLevel; text: string }> } {
  const logs: Array<{ level: LogLevel; text: string }> = [];
  const context = new InvocationContext({
    invocationId: id,
    functionName: 'sweep',
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
  });
  return { context, logs };
}

/** Lower-case connection ID → lower-case private endpoint ID (whose subscription is the consumer's). */
function consumers(world: World): Map<string, string> {
  return new Map(world.providers.flatMap((p) => p.connections.map((c) => [`${p.id}/privateEndpointConnections/${c.name}`.toLowerCase(), c.privateEndpointId.toLowerCase()] as const)));
}

function snapshot(world: World): Map<string, string> {
  return new Map(world.providers.flatMap((p) => p.connections.map((c) => [`${p.id}/privateEndpointConnections/${c.name}`.toLowerCase(), c.status] as const)));
}

describe('the sweep timer function', () => {
  let dir: string;
  let emulator: ArmEmulator;
  let before: Map<string, string>;
  let consumerOf: Map<string, string>;
  const settings: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-fn-sweep-'));
    await mkdir(join(dir, 'policies'));
    await writeFile(join(dir, 'policies', 'pls-friends.json'), JSON.stringify(POLICY));
    const world = generateWorld({
      targets: 12,
      connectionsPerTarget: 10,
      seed: 3,
      providerSubscriptions: [PROVIDER],
      consumerSubscriptions: [...FRIENDS, ...OTHERS],
      types: [{ type: 'Microsoft.Network/privateLinkServices' }, { type: 'Microsoft.Storage/storageAccounts' }],
    });
    before = snapshot(world);
    consumerOf = consumers(world);
    emulator = await startArmEmulator({ world });
    // App settings, as the Functions host would have them, before the first invocation.
    Object.assign(settings, {
      LINKGATE_ARM_ENDPOINT: emulator.url,
      LINKGATE_ARM_TOKEN: emulator.token,
      LINKGATE_POLICY_DIR: join(dir, 'policies'),
      LINKGATE_AUDIT_STORE: 'file',
      LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl'),
      LINKGATE_SWEEP_SCOPES: PROVIDER,
      LINKGATE_LOG_LEVEL: 'silent',
    });
    for (const [key, value] of Object.entries(settings)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });

  afterAll(async () => {
    await (await sharedRuntime()).close();
    await emulator.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the same sweep through InvocationContext: every Pending connection of a governed target decided, the rest untouched', async () => {
    const pendingGoverned = [...before].filter(([id, status]) => isPls(id) && status === 'Pending').map(([id]) => id);
    expect(pendingGoverned.length).toBeGreaterThan(5);
    const { context, logs } = invocation('00000000-0000-4000-8000-00000000aaaa');
    await sweep(TIMER, context);

    const after = snapshot(emulator.world);
    for (const [id, status] of before) {
      if (!pendingGoverned.includes(id)) {
        expect([id, after.get(id)]).toEqual([id, status]);
        continue;
      }
      const friend = FRIENDS.some((f) => consumerOf.get(id)?.startsWith(`/subscriptions/${f}/`) === true);
      expect([id, after.get(id)]).toEqual([id, friend ? 'Approved' : 'Rejected']);
    }
    const stats = emulator.stats();
    expect(stats.writes).toBe(pendingGoverned.length);
    expect(stats.nonPendingWrites).toEqual([]);
    expect(stats.throttled).toBe(0);

    const totals = logs.map((l) => /^linkgate sweep: (\{.*\})$/u.exec(l.text)?.[1]).find((t) => t !== undefined);
    expect(JSON.parse(totals ?? '{}')).toMatchObject({ pending: pendingGoverned.length, approved: expect.any(Number), errors: 0 });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);

    // The file store is event-sourced: the last line for a record id is the record.
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
    const records = [...new Map(lines.map((line) => JSON.parse(line) as AuditRecord).map((r) => [r.id, r])).values()];
    const decisions = records.filter((r) => (r.kind ?? 'decision') === 'decision');
    expect(decisions).toHaveLength(pendingGoverned.length);
    expect(decisions.every((r) => r.trigger.type === 'sweep' && r.enforced && r.action.status === 'succeeded')).toBe(true);
  });

  it('a second run finds nothing left to do and writes nothing', async () => {
    const writes = emulator.writes();
    const { context, logs } = invocation('00000000-0000-4000-8000-00000000bbbb');
    await sweep({ ...TIMER, isPastDue: true }, context);
    expect(emulator.writes()).toBe(writes);
    const line = logs.find((l) => l.text.startsWith('linkgate sweep (past due): '));
    expect(JSON.parse(line?.text.replace('linkgate sweep (past due): ', '') ?? '{}')).toMatchObject({ pending: 0, approved: 0, rejected: 0, errors: 0 });
  });

  it('fails the invocation (so the host logs and retries it) when the targets cannot be listed', async () => {
    emulator.setFaults([{ match: { operation: 'graph' }, fault: { kind: 'status', status: 403, code: 'AuthorizationFailed' } }]);
    try {
      const { context, logs } = invocation('00000000-0000-4000-8000-00000000cccc');
      await expect(sweep(TIMER, context)).rejects.toThrow(/sweep finished with 1 error/u);
      expect(logs.some((l) => l.level === 'error' && l.text.includes('linkgate sweep failed') && l.text.includes('403'))).toBe(true);
    } finally {
      emulator.setFaults([]);
    }
  });
});
