/**
 * Security (issue 7): events only hint. IDs are parsed strictly (no `..`, no query or fragment, no
 * encoded separators) before any URL is built, and a resource no policy governs is never
 * requested. Proven end to end: forged deliveries through `linkgate serve` against the ARM
 * emulator, whose request log must stay empty, and an ungoverned Pending connection that must
 * stay Pending. Also the ARM client itself, which must refuse such IDs before sending anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENTS_SUBSCRIPTION, PLS_ID, TRUSTED_SUBSCRIPTION, demoWorld, endpointIdOf } from '../../emulator/demo-world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import { InvalidArmIdError } from '../../src/arm/arm-error.js';
import { resourceWriteSuccessEvent } from '../../src/demo/demo-events.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { startHarness, type Harness } from './serve-harness.js';

/** Same subscription and resource group as a governed PLS, but no policy names it. */
const UNGOVERNED = `/subscriptions/${PAYMENTS_SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.Network/privateLinkServices/other-api`;
const PROXY = 'Microsoft.Network/privateLinkServices/privateEndpointConnectionProxies/write';

/** Resource URIs an attacker able to post to the webhook might send, each hoping to reach `other-api`. */
const FORGED: Array<[string, string]> = [
  ['dot-dot segments', `${PLS_ID}/privateEndpointConnectionProxies/x/../../../../../rg-other/providers/Microsoft.Network/privateLinkServices/other-api/privateEndpointConnectionProxies/y`],
  ['encoded slash in a name', `${PLS_ID.replace('pay-api', 'pay-api%2F..%2F..%2Fother-api')}/privateEndpointConnectionProxies/c`],
  ['encoded dots', `${PLS_ID.replace('pay-api', '%2e%2e')}/privateEndpointConnectionProxies/c`],
  ['a query string', `${PLS_ID}?api-version=2015-01-01&x=/privateEndpointConnectionProxies/c`],
  ['a fragment', `${PLS_ID}#/privateEndpointConnectionProxies/c`],
  ['a backslash', `${PLS_ID}\\..\\other-api/privateEndpointConnectionProxies/c`],
  ['an empty segment', PLS_ID.replace('/providers/', '//providers/') + '/privateEndpointConnectionProxies/c'],
  ['an absolute URL', `https://evil.example${PLS_ID}/privateEndpointConnectionProxies/c`],
  ['a resource no policy governs', `${UNGOVERNED}/privateEndpointConnectionProxies/c`],
  ['a governed-looking resource in another resource group', PLS_ID.replace('rg-pay', 'rg-other') + '/privateEndpointConnectionProxies/c'],
];

let h: Harness;
beforeAll(async () => {
  const world = demoWorld();
  const endpoint = endpointIdOf(TRUSTED_SUBSCRIPTION, 'pe-hub-other');
  world.endpoints.push({ id: endpoint, subnetId: `/subscriptions/${TRUSTED_SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe`, ipAddresses: ['10.20.9.9'], connectsTo: [{ targetId: UNGOVERNED, manual: false, requestMessage: 'CHG123456' }] });
  world.providers.push({ id: UNGOVERNED, type: 'Microsoft.Network/privateLinkServices', connections: [{ name: 'pe-hub-other.1', privateEndpointId: endpoint, status: 'Pending', description: 'CHG123456', etag: 'W/"o1"' }] });
  h = await startHarness({ emulator: { world } });
});
afterAll(async () => {
  await h.close();
});

describe('forged and ungoverned event subjects', () => {
  it.each(FORGED)('%s: answered without a single ARM request', async (_name, resourceUri) => {
    const before = h.emulator.requests.length;
    const response = await h.post([resourceWriteSuccessEvent({ resourceUri, operationName: PROXY })]);
    // 200 (ignored) or 400 (refused at parse): never a retry, never a request.
    expect([200, 400]).toContain(response.status);
    expect(h.emulator.requests.slice(before)).toEqual([]);
  });

  it('the ungoverned connection is still Pending and was never read', () => {
    const other = h.emulator.world.providers.find((p) => p.id === UNGOVERNED);
    expect(other?.connections[0]?.status).toBe('Pending');
    expect(h.emulator.requests.filter((r) => r.path.toLowerCase().includes('other-api'))).toEqual([]);
    expect(h.emulator.requests.filter((r) => /%|\.\.|\\/u.test(r.path))).toEqual([]);
  });

  it('a genuine event for the governed target next to them is acted on (the guard is not just "do nothing")', async () => {
    const response = await h.post([resourceWriteSuccessEvent({ resourceUri: `${PLS_ID}/privateEndpointConnectionProxies/c`, operationName: PROXY })]);
    expect(response.status).toBe(200);
    expect(h.emulator.requests.some((r) => r.path.toLowerCase() === `${PLS_ID}/privateEndpointConnections`.toLowerCase())).toBe(true);
  });
});

describe('the ARM client refuses junk IDs before building a URL', () => {
  const junk: Array<[string, string]> = [
    ['dot-dot segments', `${PLS_ID}/../../rg-other/providers/Microsoft.Network/privateLinkServices/other-api`],
    ['a single dot segment', `${PLS_ID}/./x`],
    ['encoded slash in a name', PLS_ID.replace('pay-api', 'pay-api%2F..%2Fother-api')],
    ['encoded dots', PLS_ID.replace('pay-api', '%2e%2e')],
    ['a query string', `${PLS_ID}?api-version=2015-01-01`],
    ['a fragment', `${PLS_ID}#x`],
    ['a backslash', `${PLS_ID}\\..\\other-api`],
    ['an empty segment', PLS_ID.replace('/providers/', '//providers/')],
    ['an absolute URL', `https://evil.example${PLS_ID}`],
    ['a protocol-relative URL', `//evil.example${PLS_ID}`],
  ];
  it.each(junk)('%s', async (_name, id) => {
    const arm = createArmClient({ endpoint: h.emulator.url, credential: { token: h.emulator.token }, logger: silentLogger() });
    const before = h.emulator.requests.length;
    try {
      await expect(arm.listConnections(id)).rejects.toBeInstanceOf(InvalidArmIdError);
      await expect(arm.getConnection(`${id}/privateEndpointConnections/c`)).rejects.toBeInstanceOf(InvalidArmIdError);
      await expect(arm.getPrivateEndpoint(id)).rejects.toBeInstanceOf(InvalidArmIdError);
      expect(h.emulator.requests.length).toBe(before);
    } finally {
      await arm.close();
    }
  });
});
