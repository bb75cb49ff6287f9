import { describe, expect, it } from 'vitest';
import { mapEventToHint, targetsNamedByEndpoint } from '../../src/intake/map-event-to-targets.js';
import { parseDelivery, type DeliveredEvent } from '../../src/intake/parse-delivery.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

const STORAGE = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/paydata01';
const PLS = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api';
const everything = (): boolean => true;
const nothing = (): boolean => false;

async function eventsOf(body: unknown): Promise<DeliveredEvent[]> {
  const result = await parseDelivery(body);
  if (!result.ok) throw new Error(result.error);
  return result.delivery.events;
}

async function firstEvent(fixture: string): Promise<DeliveredEvent> {
  const [event] = await eventsOf(readFixture(fixture));
  if (event === undefined) throw new Error('no event in ' + fixture);
  return event;
}

/** An Event Grid ResourceWriteSuccess event with the given operation and resource. */
async function writeEvent(operationName: string, resourceUri: unknown): Promise<DeliveredEvent> {
  const [base] = readFixture<Record<string, unknown>[]>(EVENT_FIXTURES.pecProxyEventGrid);
  const data = { ...(base?.['data'] as Record<string, unknown>), operationName, resourceUri };
  const [event] = await eventsOf([{ ...base, data }]);
  if (event === undefined) throw new Error('no event');
  return event;
}

describe('mapEventToHint', () => {
  it.each([
    ['Event Grid connection proxy write', EVENT_FIXTURES.pecProxyEventGrid, STORAGE],
    ['CloudEvents connection proxy write', EVENT_FIXTURES.pecProxyCloudEvent, STORAGE],
    ['resource notification for a Private Link Service', EVENT_FIXTURES.resourceNotificationPls, PLS],
  ])('%s names its governed target', async (_name, fixture, target) => {
    const hint = mapEventToHint(await firstEvent(fixture), everything);
    expect(hint.kind).toBe('target');
    if (hint.kind === 'target') expect(hint.target.text).toBe(target);
  });

  it('turns a consumer private endpoint write into an endpoint hint', async () => {
    const hint = mapEventToHint(await firstEvent(EVENT_FIXTURES.privateEndpointEventGrid), nothing);
    expect(hint.kind).toBe('endpoint');
    if (hint.kind === 'endpoint') expect(hint.endpoint.names).toEqual(['pe-app-to-pls']);
  });

  it('ignores targets no policy governs (the guard against forged events)', async () => {
    const hint = mapEventToHint(await firstEvent(EVENT_FIXTURES.pecProxyEventGrid), nothing);
    expect(hint).toMatchObject({ kind: 'ignored' });
    if (hint.kind === 'ignored') expect(hint.reason).toContain('no policy governs');
  });

  it('asks governs() with the lower-case target key', async () => {
    const asked: string[] = [];
    mapEventToHint(await firstEvent(EVENT_FIXTURES.pecProxyEventGrid), (key) => {
      asked.push(key);
      return true;
    });
    expect(asked).toEqual([STORAGE.toLowerCase()]);
  });

  it.each([
    ['path traversal', `${STORAGE}/privateEndpointConnections/../../x/privateEndpointConnections/c`],
    ['a query string', `${STORAGE}/privateEndpointConnections/c?api-version=1`],
    ['encoded separators', `${STORAGE}/privateEndpointConnections/a%2Fb`],
    ['a non-GUID subscription', '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s/privateEndpointConnections/c'],
    ['a missing resourceUri', undefined],
    ['a number', 17],
  ])('refuses a connection write with %s', async (_name, resourceUri) => {
    const hint = mapEventToHint(await writeEvent('Microsoft.Storage/storageAccounts/privateEndpointConnections/write', resourceUri), everything);
    expect(hint.kind).toBe('ignored');
  });

  it('maps a direct privateEndpointConnections write and a write to the governed resource itself', async () => {
    const direct = mapEventToHint(await writeEvent('Microsoft.Network/privateLinkServices/privateEndpointConnections/write', `${PLS}/privateEndpointConnections/c1`), everything);
    expect(direct.kind === 'target' && direct.target.text).toBe(PLS);
    const own = mapEventToHint(await writeEvent('Microsoft.Network/privateLinkServices/write', PLS), everything);
    expect(own.kind === 'target' && own.target.text).toBe(PLS);
  });

  it('ignores unrelated operations and event types', async () => {
    expect(mapEventToHint(await writeEvent('Microsoft.Compute/virtualMachines/write', STORAGE.replace('Microsoft.Storage/storageAccounts/paydata01', 'Microsoft.Compute/virtualMachines/vm1')), nothing).kind).toBe('ignored');
    const [other] = await eventsOf([{ id: '1', eventType: 'Microsoft.Storage.BlobCreated', subject: 's', eventTime: '2026-01-01T00:00:00Z', data: {}, dataVersion: '1', metadataVersion: '1', topic: 't' }]);
    expect(other).toBeDefined();
    expect(other && mapEventToHint(other, everything)).toMatchObject({ kind: 'ignored' });
  });
});

describe('targetsNamedByEndpoint', () => {
  it('collects both auto-approval and manual connections, once each', () => {
    const endpoint = {
      properties: {
        privateLinkServiceConnections: [{ properties: { privateLinkServiceId: PLS } }],
        manualPrivateLinkServiceConnections: [
          { properties: { privateLinkServiceId: STORAGE } },
          { properties: { privateLinkServiceId: STORAGE.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') } },
          { properties: { privateLinkServiceId: '../../etc' } },
          null,
        ],
      },
    };
    expect(targetsNamedByEndpoint(endpoint).map((t) => t.key)).toEqual([PLS.toLowerCase(), STORAGE.toLowerCase()]);
  });

  it('is total over junk', () => {
    for (const junk of [undefined, null, 1, 'x', [], { properties: 1 }, { properties: { privateLinkServiceConnections: 'x' } }]) {
      expect(targetsNamedByEndpoint(junk)).toEqual([]);
    }
  });
});
