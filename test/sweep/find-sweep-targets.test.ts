import { describe, expect, it } from 'vitest';
import type { ResourceGraphRequest } from '../../src/arm/types.js';
import { findSweepTargets, SUBSCRIPTIONS_PER_QUERY } from '../../src/sweep/find-sweep-targets.js';
import { createFakeArm } from '../support/fake-arm-client.js';

const subscription = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const target = (sub: string): string => `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;

describe('findSweepTargets', () => {
  it('splits a long subscription list into queries of at most 300 (Resource Graph takes 1,000 at most)', async () => {
    const subscriptions = Array.from({ length: 650 }, (_, i) => subscription(i));
    const requests: ResourceGraphRequest[] = [];
    const arm = {
      ...createFakeArm(),
      async *queryResourceGraph(request: ResourceGraphRequest) {
        requests.push(request);
        for (const sub of request.subscriptions ?? []) yield { id: target(sub), privateEndpointConnections: [] };
      },
    };
    const scopes = [...subscriptions.map((id) => ({ kind: 'subscription' as const, id })), { kind: 'managementGroup' as const, id: 'mg-apps' }];
    const found = await findSweepTargets(arm, scopes, [], () => true);

    expect(requests.map((r) => r.subscriptions?.length ?? `mg:${r.managementGroups?.join(',')}`)).toEqual([SUBSCRIPTIONS_PER_QUERY, SUBSCRIPTIONS_PER_QUERY, 50, 'mg:mg-apps']);
    expect(requests.flatMap((r) => r.subscriptions ?? [])).toEqual(subscriptions);
    expect(found.targets).toHaveLength(650);
  });
});
