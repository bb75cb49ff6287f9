import { describe, expect, it } from 'vitest';
import { parseArmId } from '../../src/ids/arm-id.js';
import { mapEventToHint, targetsOfEndpointHint } from '../../src/intake/map-event-to-targets.js';
import { parseDelivery, type DeliveredEvent } from '../../src/intake/parse-delivery.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { handleEvents } from '../../src/pipeline/handle-events.js';
import { createFakeArm } from '../support/fake-arm-client.js';
import { readFixture } from '../support/fixtures.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';
import { compile, policy } from '../policy/policy-builders.js';

const FIXTURE = 'events/resource-notifications.created-or-updated.private-endpoint.cloudevent.json';
const PLS = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api';
const ENDPOINT = '/subscriptions/5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-app-to-pls';
const OTHER_PLS = PLS.replace('pay-api', 'other-api');
const everything = (): boolean => true;

async function endpointEvent(mutate: (event: Record<string, unknown>) => void = () => {}): Promise<DeliveredEvent> {
  const raw = readFixture<Record<string, unknown>>(FIXTURE);
  mutate(raw);
  const parsed = await parseDelivery(raw, 'application/cloudevents+json');
  if (!parsed.ok) throw new Error(parsed.error);
  const [event] = parsed.delivery.events;
  if (event === undefined) throw new Error('no event');
  return event;
}

function id(text: string) {
  const parsed = parseArmId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.id;
}

describe('a Resource Notifications event for a consumer private endpoint', () => {
  it('is an endpoint hint carrying the governed targets its properties name', async () => {
    const hint = mapEventToHint(await endpointEvent(), everything);
    expect(hint.kind).toBe('endpoint');
    if (hint.kind !== 'endpoint') return;
    expect(hint.endpoint.text).toBe(ENDPOINT);
    expect(hint.namedTargets.map((t) => t.text)).toEqual([PLS]);
  });

  it('names only targets a policy governs (the guard against forged events)', async () => {
    const hint = mapEventToHint(await endpointEvent(), (key) => key !== PLS.toLowerCase());
    expect(hint).toMatchObject({ kind: 'endpoint', namedTargets: [] });
  });

  it('reads auto-approval entries as well, and skips junk entries', async () => {
    const hint = mapEventToHint(
      await endpointEvent((raw) => {
        const properties = ((raw['data'] as Record<string, unknown>)['resourceInfo'] as Record<string, unknown>)['properties'] as Record<string, unknown>;
        properties['privateLinkServiceConnections'] = [{ properties: { privateLinkServiceId: OTHER_PLS } }, { properties: { privateLinkServiceId: '../../etc' } }, null, 7];
      }),
      everything,
    );
    if (hint.kind !== 'endpoint') throw new Error('not an endpoint hint');
    expect(hint.namedTargets.map((t) => t.text).sort()).toEqual([OTHER_PLS, PLS].sort());
  });

  it('a ResourceWriteSuccess endpoint write names no target of its own', async () => {
    const parsed = await parseDelivery(readFixture('events/resource-write-success.private-endpoint.eventgrid.json'));
    if (!parsed.ok) throw new Error(parsed.error);
    const hint = mapEventToHint(parsed.delivery.events[0] as DeliveredEvent, everything);
    expect(hint).toMatchObject({ kind: 'endpoint', namedTargets: [] });
  });
});

describe('targetsOfEndpointHint', () => {
  const named = [id(PLS)];
  it('uses the endpoint read when it is readable: the endpoint is the truth, the event a hint', () => {
    const read = { readable: true as const, endpoint: { properties: { privateLinkServiceConnections: [{ properties: { privateLinkServiceId: OTHER_PLS } }] } } };
    expect(targetsOfEndpointHint(named, read, everything).map((t) => t.text)).toEqual([OTHER_PLS]);
  });

  it('falls back to the targets the event named when the endpoint is unreadable', () => {
    expect(targetsOfEndpointHint(named, { readable: false, httpStatus: 403, reason: 'AuthorizationFailed' }, everything).map((t) => t.text)).toEqual([PLS]);
  });

  it('still checks governance', () => {
    expect(targetsOfEndpointHint(named, { readable: false, httpStatus: 404, reason: 'NotFound' }, () => false)).toEqual([]);
  });
});

describe('handleEvents with an unreadable consumer endpoint', () => {
  it('reconciles the governed target the event names, and decides its Pending connection', async () => {
    const arm = createFakeArm();
    arm.addConnection(PLS, 'pe-app-to-pls.1b2c', ENDPOINT, 'CHG004211 payments app');
    arm.addConnection(OTHER_PLS, 'other', ENDPOINT, 'CHG004211 payments app');
    const policies = compile(policy({ name: 'pay', mode: 'enforce', targets: [PLS], autoApproval: ['5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b'], visibility: ['5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b'] }));
    const event = await endpointEvent((raw) => {
      const properties = ((raw['data'] as Record<string, unknown>)['resourceInfo'] as Record<string, unknown>)['properties'] as Record<string, unknown>;
      // Names an ungoverned target too: it must not be touched.
      properties['privateLinkServiceConnections'] = [{ properties: { privateLinkServiceId: OTHER_PLS } }];
    });
    const outcome = await handleEvents([event], {
      arm,
      store: createMemoryAuditStore(),
      policies,
      logger: silentLogger(),
      dryRun: false,
      leaseMs: 60_000,
      now: () => new Date('2026-11-20T10:00:00Z'),
      newId: () => 'rec-1',
      concurrency: 2,
    });
    expect(arm.calls.filter((c) => c.op === 'endpoint').map((c) => c.id)).toEqual([ENDPOINT]);
    expect(outcome.targets.map((t) => t.target)).toEqual([PLS]);
    expect(arm.writes.map((w) => [w.connectionId.split('/').at(-1), w.status])).toEqual([['pe-app-to-pls.1b2c', 'Approved']]);
    expect(arm.calls.some((c) => c.op === 'list' && c.id.toLowerCase() === OTHER_PLS.toLowerCase())).toBe(false);
  });
});
