/**
 * The sweep end to end (issue 6): `linkgate reconcile` in-process against the ARM emulator, with
 * ARM's default token buckets on, over a generated world in mixed states governed by policies
 * written to a temporary folder. What the run must achieve is computed beforehand by the policy
 * engine itself (compilePolicies + evaluate) from the world's own JSON, independently of the
 * product's read path.
 *
 * Size: 40 targets × 25 connections by default (a few seconds, pacing within the bursts);
 * LINKGATE_FULL=1 runs the 200 × 50 (about 6 000 Pending connections: ARM's write refill of
 * 10 s⁻¹ per subscription makes that a few minutes of real pacing, which is the point of it).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionToArm, DEFAULT_BUCKETS, endpointToArm, startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { generateWorld, type ProviderResource, type World } from '../../emulator/world.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { parseArmId } from '../../src/ids/arm-id.js';
import { compilePolicies, type CompiledPolicySet } from '../../src/policy/compile-policies.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicySetOrThrow } from '../../src/policy/load-policies.js';
import type { DecisionKind, EvaluationCase, PolicyDocument } from '../../src/policy/types.js';
import { runCli } from '../support/run-cli.js';
import { wakeOrderClock } from '../support/virtual-clock.js';

const FULL = process.env['LINKGATE_FULL'] === '1';
const SIZE = FULL ? { targets: 200, connectionsPerTarget: 50 } : { targets: 40, connectionsPerTarget: 25 };
// A guard against a hang only: pacing waits on virtual time (below), so a run is bounded by its requests.
const RUN_TIMEOUT_MS = FULL ? 900_000 : 120_000;

const P = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003'] as const;
/** A provider subscription outside LINKGATE_SWEEP_SCOPES: Resource Graph never shows its resources. */
const HIDDEN_SUB = 'a0000000-0000-4000-8000-0000000000ff';
const C = [
  'c0000000-0000-4000-8000-000000000000',
  'c0000000-0000-4000-8000-000000000001',
  'c0000000-0000-4000-8000-000000000002',
  'c0000000-0000-4000-8000-000000000003',
  'c0000000-0000-4000-8000-000000000004',
  'c0000000-0000-4000-8000-000000000005',
] as const;
/** Recovery Services vaults expose their connections only in `GET {vault}` (no collection). */
const HIDDEN_VAULT = `/subscriptions/${HIDDEN_SUB}/resourceGroups/rg-hidden/providers/Microsoft.RecoveryServices/vaults/hidden-vault`;
const HIDDEN_UNGOVERNED = `/subscriptions/${HIDDEN_SUB}/resourceGroups/rg-other/providers/Microsoft.Network/privateLinkServices/not-ours`;

function guid(index: number): string {
  return C[index] as string;
}

/** A world generated at SIZE, plus targets the graph cannot see (listed in LINKGATE_SWEEP_TARGETS). */
function buildWorld(): World {
  const world = generateWorld({
    ...SIZE,
    seed: 7,
    providerSubscriptions: [...P],
    consumerSubscriptions: [...C],
    mix: { pending: 60, approved: 25, rejected: 15 },
  });
  // Two resources in a subscription outside the scopes (so Resource Graph never lists them), one a
  // Recovery Services vault whose connections only `GET {vault}` shows: read directly because
  // LINKGATE_SWEEP_TARGETS names them.
  const hidden = generateWorld({
    targets: 2,
    connectionsPerTarget: 6,
    seed: 11,
    providerSubscriptions: [HIDDEN_SUB],
    consumerSubscriptions: [...C],
    types: [{ type: 'Microsoft.RecoveryServices/vaults', listStyle: 'parent-properties' }, { type: 'Microsoft.Network/privateLinkServices' }],
    mix: { pending: 100, approved: 0, rejected: 0 },
  });
  const [first, second] = hidden.providers as [ProviderResource, ProviderResource];
  const rename = (provider: ProviderResource, id: string): void => {
    for (const endpoint of hidden.endpoints) for (const link of endpoint.connectsTo) if (link.targetId === provider.id) link.targetId = id;
    provider.id = id;
  };
  rename(first, HIDDEN_VAULT);
  rename(second, HIDDEN_UNGOVERNED);
  // Endpoint names repeat across generated worlds; keep the hidden ones apart.
  for (const endpoint of hidden.endpoints) {
    const newId = endpoint.id.replace('/privateEndpoints/pe-', '/privateEndpoints/hidden-pe-');
    for (const provider of hidden.providers) for (const c of provider.connections) if (c.privateEndpointId === endpoint.id) c.privateEndpointId = newId;
    endpoint.id = newId;
  }
  world.providers.push(...hidden.providers);
  world.endpoints.push(...hidden.endpoints);
  Object.assign(world.tenants, { [HIDDEN_SUB]: world.tenants[P[0]] });
  return world;
}

/** Policies over the generated world (types cycle PLS, Storage, Key Vault, Cosmos DB; subscriptions cycle P[0..2]). */
function policiesFor(world: World): PolicyDocument[] {
  const tenantOf = (index: number): string => world.tenants[guid(index)] as string;
  const pls = (sub: string): string => `/subscriptions/${sub}/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*`;
  return [
    {
      name: 'pls-gate',
      description: 'PLS in the first two provider subscriptions (and the hidden vault): known consumers in, one denied, the rest rejected',
      targets: [pls(P[0]), pls(P[1]), `/subscriptions/${HIDDEN_SUB}/resourceGroups/rg-hidden/providers/Microsoft.RecoveryServices/vaults/*`],
      autoApproval: [guid(0), guid(1)],
      trustedSubnets: ['10.22.0.0/16'],
      deny: { subscriptions: [guid(4)] },
      otherwise: 'reject',
    },
    {
      name: 'storage-tickets',
      targets: ['/subscriptions/*/resourceGroups/*/providers/Microsoft.Storage/storageAccounts/*'],
      autoApproval: [guid(2)],
      trustedTenants: [tenantOf(1)],
      requestMessage: '^(CHG|INC)[0-9]{6}\\b',
      otherwise: 'manual',
    },
    {
      name: 'vault-visibility',
      targets: ['/subscriptions/*/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*'],
      visibility: [guid(0), guid(1), guid(2), guid(3)],
      autoApproval: [guid(1)],
      trustedSubnets: [`/subscriptions/${guid(3)}/resourceGroups/*/providers/Microsoft.Network/virtualNetworks/*/subnets/snet-0`],
      otherwise: 'manual',
    },
    {
      name: 'cosmos-tenant',
      targets: [`/subscriptions/${P[0]}/resourceGroups/*/providers/Microsoft.DocumentDB/databaseAccounts/*`],
      trustedTenants: [tenantOf(0)],
      deny: { subnets: ['10.23.0.0/18'] },
      otherwise: 'reject',
    },
    {
      name: 'cosmos-shadow',
      description: 'audit mode: decided and recorded, never written',
      mode: 'audit',
      targets: [`/subscriptions/${P[1]}/resourceGroups/*/providers/Microsoft.DocumentDB/databaseAccounts/*`],
      otherwise: 'reject',
    },
  ];
}

async function writePolicies(dir: string, documents: PolicyDocument[]): Promise<void> {
  for (const document of documents) await writeFile(join(dir, `${document.name}.json`), JSON.stringify(document, null, 2));
}

const connectionId = (provider: ProviderResource, name: string): string => `${provider.id}/privateEndpointConnections/${name}`.toLowerCase();

interface Expectations {
  /** Lower-case connection ID → the engine's decision, for Pending connections of governed targets. */
  pending: Map<string, DecisionKind>;
  /** Lower-case connection IDs of decided connections the policies disagree with. */
  drift: Map<string, 'approve' | 'reject'>;
  governedTargets: Set<string>;
}

/** The engine's verdict on every connection, from the world as it stands (before the run). */
function expectationsOf(world: World, policies: CompiledPolicySet): Expectations {
  const endpoints = new Map(world.endpoints.map((e) => [e.id.toLowerCase(), e]));
  const providers = new Map(world.providers.map((p) => [p.id.toLowerCase(), p]));
  const out: Expectations = { pending: new Map(), drift: new Map(), governedTargets: new Set() };
  for (const provider of world.providers) {
    const parsed = parseArmId(provider.id);
    if (!parsed.ok || !policies.governs(parsed.id.key)) continue;
    out.governedTargets.add(provider.id.toLowerCase());
    const all = provider.connections.map((c) => connectionToArm(provider, c));
    provider.connections.forEach((connection, index) => {
      const asPending = connectionToArm(provider, { ...connection, status: 'Pending' });
      const endpoint = endpoints.get(connection.privateEndpointId.toLowerCase());
      const consumer = parseArmId(connection.privateEndpointId);
      const tenant = consumer.ok ? world.tenants[consumer.id.subscriptionId ?? ''] : undefined;
      const evaluationCase: EvaluationCase = {
        connection: asPending,
        // A connection does not count against its own connectionLimit.
        targetConnections: connection.status === 'Pending' ? all : all.filter((_, i) => i !== index),
      };
      if (endpoint !== undefined && endpoint.readable !== false) {
        evaluationCase.privateEndpoint = endpointToArm(endpoint, (targetId) => providers.get(targetId.toLowerCase())?.connections.find((c) => c.privateEndpointId.toLowerCase() === endpoint.id.toLowerCase()));
      } else evaluationCase.privateEndpointUnavailable = 'private endpoint not readable (HTTP 403)';
      if (tenant !== undefined) evaluationCase.consumerTenantId = tenant;
      const decision = evaluate(policies, evaluationCase);
      const key = connectionId(provider, connection.name);
      if (connection.status === 'Pending') out.pending.set(key, decision.decision);
      else if (decision.policy !== null && ((connection.status === 'Approved' && decision.decision === 'reject') || (connection.status === 'Rejected' && decision.decision === 'approve'))) {
        out.drift.set(key, decision.decision);
      }
    });
  }
  return out;
}

/**
 * Plants drift the run must report: Pending connections the policies would reject are turned
 * Approved (as if someone clicked Approve in the portal), ones they would approve are turned
 * Rejected. Only on targets without a requestMessage rule, whose verdict the state's description
 * (Auto-Approved / Rejected by owner) cannot change.
 */
function plantDrift(world: World, policies: CompiledPolicySet): string[] {
  const before = expectationsOf(world, policies);
  const planted: string[] = [];
  let approvedPlanted = 0;
  let rejectedPlanted = 0;
  for (const provider of world.providers) {
    if (!/privateLinkServices|KeyVault/iu.test(provider.type) || provider.id === HIDDEN_VAULT) continue;
    for (const connection of provider.connections) {
      const key = connectionId(provider, connection.name);
      const verdict = before.pending.get(key);
      if (verdict === 'reject' && approvedPlanted < 4) {
        Object.assign(connection, { status: 'Approved', description: 'Auto-Approved' });
        approvedPlanted++;
        planted.push(key);
      } else if (verdict === 'approve' && rejectedPlanted < 4 && !/DocumentDB/iu.test(provider.type)) {
        Object.assign(connection, { status: 'Rejected', description: 'Rejected by owner' });
        rejectedPlanted++;
        planted.push(key);
      }
    }
  }
  return planted;
}

interface SweepJson {
  dryRun: boolean;
  totals: Record<string, number>;
  drift: Array<{ connectionId: string; status: string; decision: string; action: string; policy: string | null }>;
  errors: string[];
  ungoverned: number;
}

function statusMap(world: World): Map<string, string> {
  return new Map(world.providers.flatMap((p) => p.connections.map((c) => [connectionId(p, c.name), c.status] as const)));
}

/** The file store is event-sourced: the last line for a record id is the record. */
async function readAudit(path: string): Promise<AuditRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return [...new Map(lines.map((line) => JSON.parse(line) as AuditRecord).map((r) => [r.id, r])).values()];
}

describe(`linkgate reconcile over a ${SIZE.targets}×${SIZE.connectionsPerTarget} emulator world`, () => {
  let dir: string;
  let policyDir: string;
  let compiled: CompiledPolicySet;
  const opened: ArmEmulator[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-sweep-'));
    policyDir = join(dir, 'policies');
    await mkdir(policyDir);
    await writePolicies(policyDir, policiesFor(buildWorld()));
    // The same files the CLI loads, through the same loader.
    compiled = compilePolicies(await loadPolicySetOrThrow(policyDir));
  });
  afterAll(async () => {
    await Promise.all(opened.map((e) => e.close()));
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * ARM's default buckets on virtual time shared by the emulator and the CLI's ARM client: the
   * client's pacing, backoff and polling sleep on it, so "within the buckets" is checked in the
   * buckets' own time and a busy machine costs no 429 and no wall-clock wait.
   */
  const clock = wakeOrderClock(Date.parse('2026-01-01T00:00:00Z'));
  async function start(world: World): Promise<ArmEmulator> {
    const emulator = await startArmEmulator({ world, buckets: DEFAULT_BUCKETS, pollRetryAfterSeconds: 0, now: clock.now });
    opened.push(emulator);
    return emulator;
  }

  function env(emulator: ArmEmulator, audit: string): Record<string, string> {
    return {
      LINKGATE_ARM_ENDPOINT: emulator.url,
      LINKGATE_ARM_TOKEN: emulator.token,
      LINKGATE_POLICY_DIR: policyDir,
      LINKGATE_AUDIT_PATH: join(dir, audit),
      LINKGATE_SWEEP_SCOPES: P.join(','),
      LINKGATE_SWEEP_TARGETS: [HIDDEN_VAULT, HIDDEN_UNGOVERNED].join(' '),
      LINKGATE_LOG_LEVEL: 'error',
    };
  }

  it(
    'brings every Pending connection to what policy says, writes nothing for decided ones, lists the planted drift, and stays within the buckets',
    async () => {
      const world = buildWorld();
      const planted = plantDrift(world, compiled);
      expect(planted.length).toBeGreaterThanOrEqual(6);
      const expected = expectationsOf(world, compiled);
      const before = statusMap(world);
      // The world really is mixed, and every kind of verdict occurs.
      const verdicts = [...expected.pending.values()];
      for (const kind of ['approve', 'reject', 'manual', 'ignore'] as const) expect(verdicts).toContain(kind);
      expect([...before.values()]).toEqual(expect.arrayContaining(['Pending', 'Approved', 'Rejected']));
      for (const key of planted) expect(expected.drift.has(key)).toBe(true);

      const emulator = await start(world);
      const run = await runCli(['reconcile', '--json'], { env: env(emulator, 'audit.jsonl'), armClock: clock });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as SweepJson;
      expect(summary.errors).toEqual([]);
      expect(summary.dryRun).toBe(false);

      // Every Pending connection of a governed target ends where the engine said it would.
      const after = statusMap(emulator.world);
      const wanted = { approve: 'Approved', reject: 'Rejected', manual: 'Pending', ignore: 'Pending' } as const;
      const mismatches: string[] = [];
      for (const [key, decision] of expected.pending) {
        if (after.get(key) !== wanted[decision]) mismatches.push(`${key}: engine says ${decision}, emulator shows ${after.get(key)}`);
      }
      expect(mismatches).toEqual([]);
      // Everything else (decided connections, ungoverned targets, audit-mode targets) is untouched.
      for (const [key, status] of before) {
        if (!expected.pending.has(key) || expected.pending.get(key) === 'manual' || expected.pending.get(key) === 'ignore') expect([key, after.get(key)]).toEqual([key, status]);
      }

      const count = (kind: DecisionKind): number => verdicts.filter((v) => v === kind).length;
      expect(summary.totals).toMatchObject({
        targets: expected.governedTargets.size,
        approved: count('approve'),
        rejected: count('reject'),
        manual: count('manual'),
        drift: expected.drift.size,
        errors: 0,
      });
      // The hidden targets came from LINKGATE_SWEEP_TARGETS: one governed (decided), one not (skipped).
      expect(expected.governedTargets.has(HIDDEN_VAULT.toLowerCase())).toBe(true);
      expect([...expected.pending.keys()].filter((k) => k.startsWith(HIDDEN_VAULT.toLowerCase())).every((k) => after.get(k) !== 'Pending')).toBe(true);
      const ungoverned = world.providers.filter((p) => !expected.governedTargets.has(p.id.toLowerCase()));
      expect(summary.ungoverned).toBe(ungoverned.length);
      expect(emulator.requests.some((r) => r.path.toLowerCase().startsWith(HIDDEN_UNGOVERNED.toLowerCase()))).toBe(false);
      for (const provider of ungoverned) expect(emulator.requests.filter((r) => r.path.toLowerCase().startsWith(provider.id.toLowerCase()))).toEqual([]);

      // Exactly one write per decided Pending connection, none anywhere else.
      const stats = emulator.stats();
      expect(stats.nonPendingWrites).toEqual([]);
      expect(Object.values(stats.writesByConnection).every((n) => n === 1)).toBe(true);
      expect(Object.keys(stats.writesByConnection).sort()).toEqual(
        [...expected.pending].filter(([, d]) => d === 'approve' || d === 'reject').map(([k]) => k).sort(),
      );
      expect(stats.writes).toBe(count('approve') + count('reject'));

      // The drift listed is exactly the engine's, planted drift included; reported, not acted on.
      expect(new Map(summary.drift.map((d) => [d.connectionId.toLowerCase(), d.decision]))).toEqual(expected.drift);
      expect(summary.drift.every((d) => d.action === 'reported' && d.policy !== null)).toBe(true);
      for (const key of planted) expect(summary.drift.map((d) => d.connectionId.toLowerCase())).toContain(key);

      // Pacing: ARM's buckets were on and not one request met a 429 (none needed retrying).
      expect(stats.throttled).toBe(0);
      expect(stats.byStatus['429']).toBeUndefined();
      // The graph saw the scopes only: the hidden targets were read directly, by their own GETs.
      const graph = emulator.requests.filter((r) => r.operation === 'graph');
      expect(graph.length).toBeGreaterThanOrEqual(1);
      expect(emulator.requests.some((r) => r.method === 'GET' && r.path.toLowerCase() === HIDDEN_VAULT.toLowerCase())).toBe(true);

      // The audit trail: one enforced record per write, drift records with enforced=false.
      const records = await readAudit(join(dir, 'audit.jsonl'));
      const writesRecorded = records.filter((r) => (r.kind ?? 'decision') === 'decision' && r.enforced && (r.decision === 'approve' || r.decision === 'reject'));
      expect(writesRecorded).toHaveLength(stats.writes);
      expect(writesRecorded.every((r) => r.action.status === 'succeeded' && r.trigger.type === 'sweep')).toBe(true);
      expect(new Set(writesRecorded.map((r) => r.connectionId.toLowerCase()))).toEqual(new Set(Object.keys(stats.writesByConnection)));
      const driftRecords = records.filter((r) => r.kind === 'drift');
      expect(driftRecords).toHaveLength(expected.drift.size);
      expect(driftRecords.every((r) => !r.enforced && r.trigger.type === 'sweep')).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    '--dry-run decides and records everything with enforced=false, makes no ARM write, and prints the summary table',
    async () => {
      const world = buildWorld();
      plantDrift(world, compiled);
      const expected = expectationsOf(world, compiled);
      const before = statusMap(world);
      const emulator = await start(world);
      const run = await runCli(['reconcile', '--dry-run'], { env: env(emulator, 'dry-run.jsonl'), armClock: clock });
      expect(run.code).toBe(0);

      expect(emulator.writes()).toBe(0);
      expect(emulator.requests.filter((r) => r.method === 'PUT' || (r.method === 'POST' && r.operation !== 'graph'))).toEqual([]);
      expect(statusMap(emulator.world)).toEqual(before);

      const records = await readAudit(join(dir, 'dry-run.jsonl'));
      expect(records.length).toBeGreaterThan(0);
      expect(records.filter((r) => r.enforced)).toEqual([]);
      const decided = records.filter((r) => (r.kind ?? 'decision') === 'decision');
      const governedPending = [...expected.pending].filter(([, d]) => d !== 'ignore');
      expect(new Map(decided.filter((r) => r.decision !== 'ignore').map((r) => [r.connectionId.toLowerCase(), r.decision]))).toEqual(new Map(governedPending));
      expect(records.filter((r) => r.kind === 'drift')).toHaveLength(expected.drift.size);

      // The summary table (not a TTY: plain progress lines on stderr, the table on stdout).
      const verdicts = [...expected.pending.values()];
      const lines = run.stdout.split('\n');
      // Columns are two or more spaces apart; a dry run's headers say what would have been done.
      const header = lines[0]?.split(/\s{2,}/u) ?? [];
      for (const column of ['targets', 'pending', 'would approve', 'would reject', 'manual', 'drift', 'errors']) expect(header).toContain(column);
      expect(header).not.toContain('approved');
      expect(lines[1]).toMatch(/^-+( +-+)+$/u);
      const values = Object.fromEntries(header.map((h, i) => [h, Number(lines[2]?.split(/\s+/u)[i])]));
      expect(values).toMatchObject({
        targets: expected.governedTargets.size,
        pending: expected.pending.size,
        'would approve': verdicts.filter((v) => v === 'approve').length,
        'would reject': verdicts.filter((v) => v === 'reject').length,
        manual: verdicts.filter((v) => v === 'manual').length,
        drift: expected.drift.size,
        errors: 0,
      });
      expect(run.stdout).toContain('dry run: decisions recorded with enforced=false, nothing written to ARM');
      expect(run.stdout).toMatch(/drift \(reported only; --revoke acts on it\):/u);
      expect(run.stderr).toMatch(/^reconcile: 0\/\d+ \(0%\)$/mu);
      expect(run.stderr).toMatch(/^reconcile: (\d+)\/\1 \(100%\)$/mu);
    },
    RUN_TIMEOUT_MS,
  );
});
