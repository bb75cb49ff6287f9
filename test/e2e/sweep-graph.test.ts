/**
 * How the sweep finds its targets, against the ARM emulator through the real ARM client: the
 * Resource Graph query (SWEEP_QUERY) paged by $skipToken across several pages, subscription and
 * management-group scopes, only governed targets kept, and targets listed in settings that the
 * graph cannot see read directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { generateWorld, type World } from '../../emulator/world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import type { ArmClient } from '../../src/arm/types.js';
import { parseArmId } from '../../src/ids/arm-id.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { findSweepTargets, SWEEP_PAGE_SIZE, SWEEP_QUERY } from '../../src/sweep/find-sweep-targets.js';

const P = ['e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000003'] as const;
const OUTSIDE = 'e0000000-0000-4000-8000-0000000000ff';
/** Enough resources that the graph answers in several pages of SWEEP_PAGE_SIZE. */
const TARGETS = Math.ceil(SWEEP_PAGE_SIZE * 2.4);

describe('the sweep finds its targets through Resource Graph', () => {
  let world: World;
  let emulator: ArmEmulator;
  let arm: ArmClient;
  const policies = compilePolicies({
    revision: 'test',
    policies: [
      {
        file: 'pls.json',
        document: {
          name: 'pls',
          targets: [
            '/subscriptions/*/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*',
            `/subscriptions/${OUTSIDE}/resourceGroups/rg-hidden/providers/Microsoft.RecoveryServices/vaults/*`,
          ],
          otherwise: 'manual',
        },
      },
    ],
  });
  const governs = (key: string): boolean => policies.governs(key);
  const hidden = `/subscriptions/${OUTSIDE}/resourceGroups/rg-hidden/providers/Microsoft.RecoveryServices/vaults/hidden`;
  const hiddenUngoverned = `/subscriptions/${OUTSIDE}/resourceGroups/rg-other/providers/Microsoft.KeyVault/vaults/other`;

  beforeAll(async () => {
    world = generateWorld({
      targets: TARGETS,
      connectionsPerTarget: 1,
      seed: 5,
      providerSubscriptions: [...P],
      types: [{ type: 'Microsoft.Network/privateLinkServices' }, { type: 'Microsoft.KeyVault/vaults' }],
    });
    // A resource without connections is not a sweep target (the query keeps those that have some).
    world.providers.push({ id: `/subscriptions/${P[0]}/resourceGroups/rg-empty/providers/Microsoft.Network/privateLinkServices/empty`, type: 'Microsoft.Network/privateLinkServices', connections: [] });
    world.managementGroups = { 'mg-platform': [P[2]] };
    emulator = await startArmEmulator({ world });
    arm = createArmClient({ endpoint: emulator.url, credential: { token: emulator.token }, logger: silentLogger() });
  });
  afterAll(async () => {
    await arm.close();
    await emulator.close();
  });

  const inSubscriptions = (subs: readonly string[]): string[] =>
    world.providers.filter((p) => p.connections.length > 0 && subs.some((s) => p.id.startsWith(`/subscriptions/${s}/`))).map((p) => p.id.toLowerCase());

  it('pages through $skipToken with the sweep query, keeps governed targets with their connections, and reads listed hidden targets directly', async () => {
    const found = await findSweepTargets(
      arm,
      [
        { kind: 'subscription', id: P[0] },
        { kind: 'subscription', id: P[1] },
      ],
      [hidden, hiddenUngoverned, world.providers[0]?.id ?? ''],
      governs,
    );

    const graph = emulator.requests.filter((r) => r.operation === 'graph');
    const visible = inSubscriptions([P[0], P[1]]);
    const pages = Math.ceil(visible.length / SWEEP_PAGE_SIZE);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(graph).toHaveLength(pages);
    expect(graph.every((r) => r.status === 200 && r.method === 'POST' && r.apiVersion === '2024-04-01')).toBe(true);
    const bodies = graph.map((r) => r.body as { query: string; subscriptions: string[]; options: { $top: number; $skipToken?: string } });
    for (const body of bodies) {
      expect(body.query).toBe(SWEEP_QUERY);
      expect(body.subscriptions).toEqual([P[0], P[1]]);
      expect(body.options.$top).toBe(SWEEP_PAGE_SIZE);
    }
    expect(bodies[0]?.options.$skipToken).toBeUndefined();
    const tokens = bodies.slice(1).map((b) => b.options.$skipToken);
    expect(tokens.every((t) => typeof t === 'string' && t !== '')).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);

    const governed = visible.filter((id) => /privatelinkservices/u.test(id));
    const keys = found.targets.map((t) => t.target.text.toLowerCase());
    expect(new Set(keys)).toEqual(new Set([...governed, hidden.toLowerCase()]));
    expect(keys).toHaveLength(governed.length + 1);
    // Skipped: ungoverned key vaults the graph listed, plus the ungoverned hidden target.
    expect(found.skipped).toBe(visible.length - governed.length + 1);
    expect(found.invalid).toEqual([]);

    // Graph rows carry the connections (drift needs the decided ones too); hidden targets have none yet.
    const byId = new Map(world.providers.map((p) => [p.id.toLowerCase(), p]));
    for (const { target, snapshot } of found.targets) {
      if (target.text.toLowerCase() === hidden.toLowerCase()) {
        expect(snapshot).toBeUndefined();
        continue;
      }
      const provider = byId.get(target.text.toLowerCase());
      expect(snapshot?.map((c) => [c.id.split('/').at(-1), c.properties?.privateLinkServiceConnectionState?.status])).toEqual(provider?.connections.map((c) => [c.name, c.status]));
      const parsed = parseArmId(target.text);
      expect(parsed.ok && parsed.id.key).toBe(target.key);
    }
  });

  it('queries management groups in a query of their own', async () => {
    const before = emulator.requests.length;
    const found = await findSweepTargets(arm, [{ kind: 'managementGroup', id: 'mg-platform' }], [], governs);
    const graph = emulator.requests.slice(before).filter((r) => r.operation === 'graph');
    expect(graph.length).toBeGreaterThanOrEqual(1);
    expect(graph.every((r) => Array.isArray((r.body as { managementGroups?: unknown }).managementGroups) && (r.body as { subscriptions?: unknown }).subscriptions === undefined)).toBe(true);
    const expected = inSubscriptions([P[2]]).filter((id) => /privatelinkservices/u.test(id));
    expect(new Set(found.targets.map((t) => t.target.text.toLowerCase()))).toEqual(new Set(expected));
  });
});
