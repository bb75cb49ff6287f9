/** Builds a deterministic world of any size for load tests and benchmarks. */
import { seededGuid, seededRandom } from './seeded-random.js';
import { ARTIFACT_STORE_TYPE, etagFor, WorldError, type EmulatedStatus, type ProviderResource, type World } from './world-types.js';

export interface GenerateWorldOptions {
  targets: number;
  connectionsPerTarget: number;
  seed?: number;
  /** Relative weights of the connections' states. Default 60 % Pending, 25 % Approved, 15 % Rejected. */
  mix?: { pending?: number; approved?: number; rejected?: number; disconnected?: number };
  /** Share of consumer endpoints that answer 403 (another tenant). Default 0.1. */
  unreadableShare?: number;
  /** Provider subscriptions the targets are spread over. Default 3 seeded GUIDs. */
  providerSubscriptions?: string[];
  /** Consumer subscriptions. Default 6 seeded GUIDs; the last one has no known home tenant. */
  consumerSubscriptions?: string[];
  /** Types the targets cycle through. Default: Private Link Service, storage account, key vault, Cosmos DB (202 writes). */
  types?: Array<{ type: string; listStyle?: 'collection' | 'parent-properties'; asyncWrites?: boolean }>;
  /**
   * `all` (default): every connection carries an etag, whatever its type's spec says; `per-type`:
   * only where the spec gives one. The fault matrix's sub-second lease is shorter than a delayed
   * write can stay in flight, which only If-Match makes safe, so load worlds opt in to etag-less types.
   */
  etags?: 'all' | 'per-type';
  /** Extra AOSM artifact stores (each with connectionsPerTarget manual connections). Default 0. */
  artifactStores?: number;
}

export const DEFAULT_GENERATED_TYPES: NonNullable<GenerateWorldOptions['types']> = [
  { type: 'Microsoft.Network/privateLinkServices' },
  { type: 'Microsoft.Storage/storageAccounts' },
  { type: 'Microsoft.KeyVault/vaults' },
  { type: 'Microsoft.DocumentDB/databaseAccounts', asyncWrites: true },
];

/** items[index modulo length]; the lists are checked non-empty before use. */
function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new WorldError('generateWorld: an option list is empty');
  return item;
}

function pickStatus(random: () => number, mix: Required<NonNullable<GenerateWorldOptions['mix']>>): EmulatedStatus {
  const total = mix.pending + mix.approved + mix.rejected + mix.disconnected;
  let roll = random() * total;
  if ((roll -= mix.pending) < 0) return 'Pending';
  if ((roll -= mix.approved) < 0) return 'Approved';
  if ((roll -= mix.rejected) < 0) return 'Rejected';
  return 'Disconnected';
}

const MESSAGES = ['CHG{n} payments batch', 'INC{n} hotfix', 'please approve', '', 'CHG{n} nightly export', 'team data access'];

/**
 * A deterministic world for load tests: the same options give the same world, byte for byte.
 * Each connection has its own consumer endpoint in one of a few consumer subscriptions, with a
 * subnet and an IP in 10.x; some endpoints are unreadable; states follow `mix`.
 */
export function generateWorld(options: GenerateWorldOptions): World {
  const { targets, connectionsPerTarget } = options;
  if (!Number.isInteger(targets) || targets < 0 || targets > 100_000) throw new WorldError(`targets must be an integer in 0..100000, got ${targets}`);
  if (!Number.isInteger(connectionsPerTarget) || connectionsPerTarget < 0 || connectionsPerTarget > 10_000) {
    throw new WorldError(`connectionsPerTarget must be an integer in 0..10000, got ${connectionsPerTarget}`);
  }
  const random = seededRandom(options.seed ?? 1);
  const mix = { pending: 60, approved: 25, rejected: 15, disconnected: 0, ...options.mix };
  const unreadableShare = options.unreadableShare ?? 0.1;
  const providerSubscriptions = options.providerSubscriptions ?? Array.from({ length: 3 }, () => seededGuid(random));
  const consumerSubscriptions = options.consumerSubscriptions ?? Array.from({ length: 6 }, () => seededGuid(random));
  const types = options.types ?? DEFAULT_GENERATED_TYPES;
  if (providerSubscriptions.length === 0 || consumerSubscriptions.length === 0 || types.length === 0) {
    throw new WorldError('providerSubscriptions, consumerSubscriptions and types must not be empty');
  }
  const nested = types.find((kind) => kind.type.split('/').length !== 2);
  if (nested !== undefined) {
    throw new WorldError(`generateWorld types must be top-level 'Namespace/type', got '${nested.type}'`, { hint: 'Use the artifactStores option for AOSM artifact stores.' });
  }

  const tenants: Record<string, string> = {};
  const providerTenant = seededGuid(random);
  for (const subscription of providerSubscriptions) tenants[subscription.toLowerCase()] = providerTenant;
  // Consumers come from two tenants; the last subscription's home tenant is unknown (absent).
  const consumerTenants = [seededGuid(random), seededGuid(random)];
  consumerSubscriptions.forEach((subscription, index) => {
    if (index < consumerSubscriptions.length - 1 || consumerSubscriptions.length === 1) {
      tenants[subscription.toLowerCase()] = pick(consumerTenants, index);
    }
  });

  const world: World = { providers: [], endpoints: [], tenants };
  const addConnections = (provider: ProviderResource, index: number, manualAlways: boolean): void => {
    for (let c = 0; c < connectionsPerTarget; c++) {
      const consumerIndex = Math.floor(random() * consumerSubscriptions.length);
      const consumer = pick(consumerSubscriptions, consumerIndex);
      const peName = `pe-${String(index).padStart(4, '0')}-${String(c).padStart(3, '0')}`;
      const endpointId = `/subscriptions/${consumer}/resourceGroups/rg-consumer-${consumerIndex}/providers/Microsoft.Network/privateEndpoints/${peName}`;
      const subnet = Math.floor(random() * 4);
      const template = pick(MESSAGES, Math.floor(random() * MESSAGES.length));
      const requestMessage = template.replace('{n}', String(100000 + Math.floor(random() * 900000)));
      const status = pickStatus(random, mix);
      const name = `${peName}.${seededGuid(random)}`;
      world.endpoints.push({
        id: endpointId,
        subnetId: `/subscriptions/${consumer}/resourceGroups/rg-consumer-${consumerIndex}/providers/Microsoft.Network/virtualNetworks/vnet-${consumerIndex}/subnets/snet-${subnet}`,
        ipAddresses: [`10.${consumerIndex + 20}.${subnet * 64 + Math.floor(random() * 64)}.${4 + Math.floor(random() * 250)}`],
        readable: random() >= unreadableShare,
        connectsTo: [{ targetId: provider.id, manual: manualAlways || random() < 0.3, requestMessage }],
      });
      provider.connections.push({
        name,
        privateEndpointId: endpointId,
        status,
        description: status === 'Pending' ? requestMessage : status === 'Approved' ? 'Auto-Approved' : status === 'Rejected' ? 'Rejected by owner' : 'Endpoint deleted',
        actionsRequired: 'None',
        etag: etagFor(`${provider.id.toLowerCase()}/${name.toLowerCase()}#0`),
      });
    }
  };

  for (let t = 0; t < targets; t++) {
    const kind = pick(types, t);
    const subscription = pick(providerSubscriptions, t);
    const namePrefix = (kind.type.split('/')[1] ?? 'res').toLowerCase().slice(0, 8);
    const id = `/subscriptions/${subscription}/resourceGroups/rg-prov-${t % 7}/providers/${kind.type}/${namePrefix}${String(t).padStart(5, '0')}`;
    const provider: ProviderResource = { id, type: kind.type, location: 'westeurope', connections: [] };
    if (kind.listStyle !== undefined) provider.listStyle = kind.listStyle;
    if (kind.asyncWrites !== undefined) provider.asyncWrites = kind.asyncWrites;
    if (options.etags !== 'per-type') provider.etags = true;
    addConnections(provider, t, false);
    world.providers.push(provider);
  }
  for (let s = 0; s < (options.artifactStores ?? 0); s++) {
    const subscription = pick(providerSubscriptions, s);
    const provider: ProviderResource = {
      id: `/subscriptions/${subscription}/resourceGroups/rg-aosm/providers/Microsoft.HybridNetwork/publishers/publisher${s}/artifactStores/store${s}`,
      type: ARTIFACT_STORE_TYPE,
      location: 'westeurope',
      asyncWrites: true,
      connections: [],
    };
    addConnections(provider, targets + s, true);
    world.providers.push(provider);
  }
  return world;
}
