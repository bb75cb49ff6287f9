/**
 * `linkgate export-connections` and `linkgate plan` end to end: a snapshot exported from the ARM
 * emulator's demo world, plans on that snapshot and live against the emulator, with the exit
 * codes CI relies on (0 no change, 1 changes, 2 error).
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { DATA_SUBSCRIPTION, demoWorld, PAYMENTS_SUBSCRIPTION, UNKNOWN_SUBSCRIPTION } from '../../emulator/demo-world.js';
import { runCli } from '../support/run-cli.js';

let emulator: ArmEmulator;
let dir: string;
let env: Record<string, string>;
let head: string;
const snapshot = (): string => path.join(dir, 'connections.jsonl');

interface PlanJson {
  totals: { connections: number; changed: number; unchanged: number; byKind: Record<string, number> };
  changes: Array<{ connectionId: string; status: string; kind: string; before: { decision: string }; after: { decision: string; policy: string | null } }>;
  errors: string[];
}

beforeAll(async () => {
  emulator = await startArmEmulator({ world: demoWorld() });
  dir = await mkdtemp(path.join(tmpdir(), 'linkgate-plan-'));
  env = {
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_SWEEP_SCOPES: `${PAYMENTS_SUBSCRIPTION},${DATA_SUBSCRIPTION}`,
    LINKGATE_LOG_LEVEL: 'silent',
  };
  // The pull request: the partner subscription becomes auto-approved on the PLS, and the storage
  // account stops trusting the hub subnet and range.
  head = path.join(dir, 'head');
  await cp('policies', head, { recursive: true });
  const pls = JSON.parse(await readFile(path.join(head, 'payments-pls.json'), 'utf8')) as { autoApproval: string[] };
  pls.autoApproval.push(UNKNOWN_SUBSCRIPTION);
  await writeFile(path.join(head, 'payments-pls.json'), JSON.stringify(pls, null, 2));
  const storage = JSON.parse(await readFile(path.join(head, 'paydata-storage.json'), 'utf8')) as { trustedSubnets: string[] };
  storage.trustedSubnets = storage.trustedSubnets.filter((s) => !s.includes('/hub/') && s !== '10.20.0.0/16');
  await writeFile(path.join(head, 'paydata-storage.json'), JSON.stringify(storage, null, 2));
});
afterAll(async () => {
  await emulator.close();
});

describe('linkgate export-connections', () => {
  it('writes every connection of the governed targets as evaluate input, with endpoint, siblings and tenant', async () => {
    const r = await runCli(['export-connections', '--out', snapshot()], { env });
    expect(r.stderr).toContain('connection(s) of 3 governed target(s)');
    expect(r.code).toBe(0);
    const lines = (await readFile(snapshot(), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(12);
    for (const line of lines) {
      expect(line).toMatchObject({ connection: { id: expect.stringContaining('/privateEndpointConnections/') }, targetConnections: expect.any(Array) });
      expect('privateEndpoint' in line || 'privateEndpointUnavailable' in line).toBe(true);
    }
    expect(lines.filter((l) => 'privateEndpointUnavailable' in l)).toHaveLength(1);
    expect(lines.every((l) => typeof l['consumerTenantId'] === 'string')).toBe(true);
    // The snapshot is what evaluate reads.
    const evaluated = await runCli(['evaluate', snapshot()]);
    expect(evaluated.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { decision?: string }).decision)).not.toContain(undefined);
  });

  it('--out into folders that do not exist yet creates them and writes the file whole', async () => {
    const nested = path.join(dir, 'new', 'deeper', 'connections.jsonl');
    const r = await runCli(['export-connections', '--out', nested], { env });
    expect(r.code).toBe(0);
    expect((await readFile(nested, 'utf8')).trimEnd().split('\n')).toHaveLength(12);
    expect(await readdir(path.dirname(nested))).toEqual(['connections.jsonl']);
  });

  it('without sweep scopes it is bad usage (exit 2)', async () => {
    const r = await runCli(['export-connections'], { env: { ...env, LINKGATE_SWEEP_SCOPES: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LINKGATE_SWEEP_SCOPES');
  });
});

describe('linkgate plan', () => {
  it('a missing --base folder is exit 2 and the fix names --base, not --policies', async () => {
    const missing = path.join(dir, 'no-such-base');
    const r = await runCli(['plan', '--base', missing, '--policies', 'policies', '--connections', snapshot()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--base ${missing}`);
    expect(r.stderr).toContain(`fix: check --base ${missing}: it must name a folder of policy files`);
    expect(r.stderr).not.toContain('pass --policies');
  });

  it('exit 0 and "No changes" when the policies are the same', async () => {
    const r = await runCli(['plan', '--base', 'policies', '--policies', 'policies', '--connections', snapshot()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes');
    expect(r.stdout).toContain('connections planned  12');
  });

  it('exit 1 with each changed decision, before → after, and totals that add up', async () => {
    const r = await runCli(['plan', '--base', 'policies', '--policies', head, '--connections', snapshot(), '--format', 'json']);
    expect(r.code).toBe(1);
    const plan = JSON.parse(r.stdout) as PlanJson;
    const summary = plan.changes.map((c) => [c.connectionId.split('/').pop()?.split('.')[0], c.status, c.before.decision, c.after.decision, c.kind]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['pe-partner-pay-api', 'Pending', 'manual', 'approve', 'newly-approved'],
        ['pe-partner-reporting', 'Pending', 'manual', 'approve', 'newly-approved'],
        ['pe-hub-paydata', 'Pending', 'approve', 'reject', 'newly-rejected'],
        ['pe-hub-paydata-adhoc', 'Pending', 'manual', 'reject', 'newly-rejected'],
      ]),
    );
    expect(plan.changes).toHaveLength(4);
    expect(plan.totals).toMatchObject({ connections: 12, changed: 4, unchanged: 8, byKind: { 'newly-approved': 2, 'newly-rejected': 2 } });
    expect(Object.values(plan.totals.byKind).reduce((a, b) => a + b, 0)).toBe(plan.totals.changed);
  });

  it('markdown is a PR comment: heading, totals table, changes table, details', async () => {
    const r = await runCli(['plan', '--base', 'policies', '--policies', head, '--connections', snapshot(), '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## linkgate plan\n\n4 of 12 connection\(s\) would be decided differently/u);
    expect(r.stdout).toContain('| newly approved | 2 |');
    expect(r.stdout).toContain('| connection | status | before | after | change | why |');
    expect(r.stdout).toMatch(/\| manual \(payments-pls\) \| \*\*approve \(payments-pls\)\*\* \| newly approved \| autoApproval: consumer subscription/u);
    expect(r.stdout).toContain('<details>');
  });

  it('--live reads the same connections from ARM and plans the same changes', async () => {
    const fromSnapshot = JSON.parse((await runCli(['plan', '--base', 'policies', '--policies', head, '--connections', snapshot(), '--format', 'json'])).stdout) as PlanJson;
    const live = await runCli(['plan', '--base', 'policies', '--policies', head, '--live', '--format', 'json'], { env });
    expect(live.code).toBe(1);
    const plan = JSON.parse(live.stdout) as PlanJson;
    expect(plan.totals).toEqual(fromSnapshot.totals);
    expect(plan.changes).toEqual(fromSnapshot.changes);
  });

  it('exit 2 on errors: unreadable lines, invalid policies, a missing snapshot, bad usage', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, (await readFile(snapshot(), 'utf8')) + 'not json\n{"nope": 1}\n');
    const lines = await runCli(['plan', '--base', 'policies', '--policies', head, '--connections', bad]);
    expect(lines.code).toBe(2);
    expect(lines.stdout).toContain('error: line 13: not JSON');
    expect(lines.stderr).toContain('the plan is incomplete');
    const invalid = path.join(dir, 'invalid');
    await cp('policies', invalid, { recursive: true });
    await writeFile(path.join(invalid, 'broken.json'), '{"name": "broken",}');
    expect((await runCli(['plan', '--base', invalid, '--connections', snapshot()])).code).toBe(2);
    expect((await runCli(['plan', '--base', 'policies', '--connections', path.join(dir, 'missing.jsonl')])).code).toBe(2);
    expect((await runCli(['plan', '--base', 'policies'])).code).toBe(2);
    expect((await runCli(['plan', '--connections', snapshot()])).code).toBe(2);
    expect((await runCli(['plan', '--base', 'policies', '--connections', snapshot(), '--live'])).code).toBe(2);
  });
});
