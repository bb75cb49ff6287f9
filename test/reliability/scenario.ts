/**
 * The world, policies and oracle shared by the reliability tests: a generated emulator world, a
 * policy set that exercises every rule kind (subscriptions, subnets, tenants, deny, request
 * message, visibility, audit mode) over part of it, and the decision each Pending connection
 * must end with, computed from the initial world by the pure evaluator: the tests compare what
 * the whole system did against it.
 */
import { connectionToArm, endpointToArm } from '../../emulator/arm-emulator.js';
import { generateWorld, type EmulatedStatus, type World } from '../../emulator/world.js';
import { lookupResourceType } from '../../src/arm/resource-types.js';
import { compilePolicies, type CompiledPolicySet } from '../../src/policy/compile-policies.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { validatePolicyDocuments } from '../../src/policy/load-policies.js';
import type { DecisionKind, EvaluationCase, PolicySet } from '../../src/policy/types.js';

/** Full-size runs (`LINKGATE_FULL=1`): the sizes the issue asks for; the default keeps `npm test` quick. */
export const FULL = process.env['LINKGATE_FULL'] === '1';

/** Provider subscriptions: the first two are governed, the third is not (its targets must never be requested). */
export const PROVIDER_SUBS = ['1a2b3c4d-0001-4aaa-8aaa-000000000001', '1a2b3c4d-0002-4aaa-8aaa-000000000002', '1a2b3c4d-0003-4aaa-8aaa-000000000003'] as const;
export const UNGOVERNED_SUB = PROVIDER_SUBS[2];
/** Consumer subscriptions; generateWorld gives C0, C2, C4 one tenant, C1, C3 another, C5 none; IPs are 10.(20+index).x.x. */
export const CONSUMER_SUBS = [0, 1, 2, 3, 4, 5].map((i) => `c0ffee00-000${i}-4bbb-8bbb-00000000000${i}`);

function scoped(sub: string, type: string): string {
  return `/subscriptions/${sub}/resourceGroups/*/providers/${type}/*`;
}

/** Policy files as their authors would write them; loaded through the real validator. */
export function scenarioPolicyFiles(world: World): Array<{ file: string; text: string }> {
  const governed = PROVIDER_SUBS.slice(0, 2);
  const tenantOfC0 = world.tenants[CONSUMER_SUBS[0] as string];
  const documents = [
    {
      name: 'network-and-storage',
      mode: 'enforce',
      targets: governed.flatMap((s) => [scoped(s, 'Microsoft.Network/privateLinkServices'), scoped(s, 'Microsoft.Storage/storageAccounts')]),
      visibility: CONSUMER_SUBS.slice(0, 5),
      autoApproval: [CONSUMER_SUBS[0]],
      trustedSubnets: ['10.22.0.0/16'],
      deny: { subscriptions: [CONSUMER_SUBS[3]] },
      requestMessage: '^(CHG|INC)[0-9]{6}\\b',
      otherwise: 'manual',
    },
    {
      name: 'vaults-and-cosmos',
      mode: 'enforce',
      targets: governed.flatMap((s) => [scoped(s, 'Microsoft.KeyVault/vaults'), scoped(s, 'Microsoft.DocumentDB/databaseAccounts')]),
      autoApproval: [CONSUMER_SUBS[1]],
      trustedTenants: tenantOfC0 === undefined ? [] : [tenantOfC0],
      deny: { subnets: ['10.24.0.0/16'] },
      otherwise: 'reject',
    },
    {
      name: 'shadow-first-subscription',
      mode: 'audit',
      targets: [`/subscriptions/${governed[0]}/**`],
      autoApproval: [CONSUMER_SUBS[0]],
      otherwise: 'reject',
    },
  ];
  return documents.map((document) => ({ file: `policies/${document.name}.json`, text: JSON.stringify(document, null, 2) }));
}

export interface Scenario {
  world: World;
  policySet: PolicySet;
  policies: CompiledPolicySet;
  /** Lower-case connection ID → what policy says about it, from the initial world. */
  expected: Map<string, ExpectedConnection>;
  targets: string[];
}

export interface ExpectedConnection {
  id: string;
  target: string;
  name: string;
  initial: EmulatedStatus;
  decision: DecisionKind;
  /** The status ARM must show at the end. */
  final: EmulatedStatus;
}

export function buildScenario(options: { targets: number; connectionsPerTarget: number; seed?: number }): Scenario {
  const world = generateWorld({
    targets: options.targets,
    connectionsPerTarget: options.connectionsPerTarget,
    seed: options.seed ?? 7,
    mix: { pending: 1, approved: 0, rejected: 0 },
    providerSubscriptions: [...PROVIDER_SUBS],
    consumerSubscriptions: CONSUMER_SUBS,
  });
  stripEtagsOfEtaglessTypes(world);
  const loaded = validatePolicyDocuments(scenarioPolicyFiles(world));
  if (!loaded.ok) throw new Error(`scenario policies invalid: ${JSON.stringify(loaded.errors)}`);
  const policies = compilePolicies(loaded.set);
  return { world, policySet: loaded.set, policies, expected: expectedOutcomes(world, policies), targets: world.providers.map((p) => p.id) };
}

/**
 * Most provider types return no etag on their connections (DESIGN §9; the `etag` column of
 * src/arm/resource-type-data.ts, from the specs): Storage and Cosmos DB among the world's types.
 * Their connections are served without one, so no If-Match protects their writes and the matrix
 * proves exactly-once for etag-less types beside the etag types (Network PLS, Key Vault).
 */
function stripEtagsOfEtaglessTypes(world: World): void {
  for (const provider of world.providers) {
    if (lookupResourceType(provider.type)?.etag === true) continue;
    for (const connection of provider.connections) Reflect.deleteProperty(connection, 'etag');
  }
}

/** Whether ARM serves this target's connections without an etag in the scenario. */
export function isEtagless(world: World, target: string): boolean {
  const provider = world.providers.find((p) => p.id.toLowerCase() === target.toLowerCase());
  return provider !== undefined && lookupResourceType(provider.type)?.etag !== true;
}

/** The oracle: every Pending connection evaluated with everything ARM would tell about it. */
export function expectedOutcomes(world: World, policies: CompiledPolicySet): Map<string, ExpectedConnection> {
  const snapshot = structuredClone(world);
  const providers = new Map(snapshot.providers.map((p) => [p.id.toLowerCase(), p]));
  const endpoints = new Map(snapshot.endpoints.map((e) => [e.id.toLowerCase(), e]));
  const expected = new Map<string, ExpectedConnection>();
  for (const provider of snapshot.providers) {
    const siblings = provider.connections.map((c) => connectionToArm(provider, c));
    for (const connection of provider.connections) {
      const id = `${provider.id}/privateEndpointConnections/${connection.name}`;
      const item: ExpectedConnection = { id, target: provider.id, name: connection.name, initial: connection.status, decision: 'ignore', final: connection.status };
      if (connection.status === 'Pending') {
        const input: EvaluationCase = { connection: connectionToArm(provider, connection), targetConnections: siblings };
        const endpoint = endpoints.get(connection.privateEndpointId.toLowerCase());
        if (endpoint !== undefined && endpoint.readable !== false) {
          input.privateEndpoint = endpointToArm(endpoint, (targetId) => providers.get(targetId.toLowerCase())?.connections.find((c) => c.privateEndpointId === endpoint.id));
        } else input.privateEndpointUnavailable = 'private endpoint not readable (HTTP 403)';
        const consumer = connection.privateEndpointId.split('/')[2]?.toLowerCase() ?? '';
        const tenant = snapshot.tenants[consumer];
        if (tenant !== undefined) input.consumerTenantId = tenant;
        item.decision = evaluate(policies, input).decision;
        item.final = item.decision === 'approve' ? 'Approved' : item.decision === 'reject' ? 'Rejected' : 'Pending';
      }
      expected.set(id.toLowerCase(), item);
    }
  }
  return expected;
}

/** Counts of a list of strings, for printing. */
export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Deterministic shuffle (Fisher-Yates) with an injected PRNG. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
