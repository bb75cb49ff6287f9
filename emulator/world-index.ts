/** Lookups over the live world by lower-case ID, rebuilt when a test adds providers or endpoints after start. */
import { subscriptionOfPath } from './arm-answer.js';
import type { PrivateEndpoint, ProviderResource, World } from './world-types.js';

export class WorldIndex {
  private indexed: { providers: ProviderResource[]; providerCount: number; endpoints: PrivateEndpoint[]; endpointCount: number } | undefined;
  private providersByKey = new Map<string, ProviderResource>();
  private endpointsByKey = new Map<string, PrivateEndpoint>();
  private knownSubscriptions = new Set<string>();

  constructor(private readonly world: World) {}

  provider(lowerId: string): ProviderResource | undefined {
    this.refresh();
    return this.providersByKey.get(lowerId);
  }

  endpoint(lowerId: string): PrivateEndpoint | undefined {
    this.refresh();
    return this.endpointsByKey.get(lowerId);
  }

  /** A subscription the world mentions (a tenant entry, a provider's or an endpoint's). */
  knowsSubscription(lowerId: string): boolean {
    this.refresh();
    return this.knownSubscriptions.has(lowerId);
  }

  tenantOf(subscriptionId: string): string | undefined {
    const direct = this.world.tenants[subscriptionId];
    if (direct !== undefined) return direct.toLowerCase();
    const entry = Object.entries(this.world.tenants).find(([key]) => key.toLowerCase() === subscriptionId);
    return entry?.[1].toLowerCase();
  }

  private refresh(): void {
    const world = this.world;
    const indexed = this.indexed;
    if (
      indexed !== undefined &&
      indexed.providers === world.providers &&
      indexed.providerCount === world.providers.length &&
      indexed.endpoints === world.endpoints &&
      indexed.endpointCount === world.endpoints.length
    ) {
      return;
    }
    this.providersByKey = new Map(world.providers.map((p) => [p.id.toLowerCase(), p]));
    this.endpointsByKey = new Map(world.endpoints.map((e) => [e.id.toLowerCase(), e]));
    this.knownSubscriptions = new Set([
      ...Object.keys(world.tenants).map((s) => s.toLowerCase()),
      ...[...this.providersByKey.keys(), ...this.endpointsByKey.keys()].map((key) => subscriptionOfPath(key) ?? ''),
    ]);
    this.indexed = { providers: world.providers, providerCount: world.providers.length, endpoints: world.endpoints, endpointCount: world.endpoints.length };
  }
}
