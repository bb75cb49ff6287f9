/**
 * Issue 11 Build 4: ARM answers are validated before they are believed. A connection list answered
 * 200 with HTML, garbage, a non-object or an object without `value` is a transient error logged
 * with ARM's request id: the delivery fails and is retried, instead of "no connections".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createArmClient } from '../../src/arm/arm-client.js';
import { ArmError } from '../../src/arm/arm-error.js';
import { isTransientError } from '../../src/pipeline/classify-error.js';
import { capturingLogger as capture } from '../audit/support/capturing-logger.js';

const PLS = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/pls1';
const STORAGE = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st1';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A loopback ARM that answers every GET 200 with `body` and a request id. */
async function armAnswering(body: string, contentType = 'application/json'): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': contentType, 'x-ms-request-id': 'req-list-1' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('connection lists that are not lists', () => {
  it.each([
    ['HTML', '<html><body>Service Unavailable</body></html>', 'text/html', PLS],
    ['garbage JSON', '{"value": [', 'application/json', PLS],
    ['a JSON string', '"ok"', 'application/json', PLS],
    ['an object without value', '{"items": []}', 'application/json', PLS],
    ['an empty body', '', 'application/json', PLS],
    ['a parent resource without properties (Storage lists in the resource)', '{"id": "x"}', 'application/json', STORAGE],
  ])('%s is a transient error with the request id, never "no connections"', async (_name, body, contentType, target) => {
    const endpoint = await armAnswering(body, contentType);
    const { logger, lines } = capture();
    const arm = createArmClient({ endpoint, credential: { token: 'test-token' }, logger, pacing: false });
    try {
      const listing = arm.listConnections(target);
      await expect(listing).rejects.toBeInstanceOf(ArmError);
      const error = (await listing.catch((e: unknown) => e)) as ArmError;
      expect(error.code).toBe('InvalidListAnswer');
      expect(error.requestId).toBe('req-list-1');
      expect(isTransientError(error)).toBe(true);
      expect(lines.some((l) => l['requestId'] === 'req-list-1' && typeof l['problem'] === 'string')).toBe(true);
    } finally {
      await arm.close();
    }
  });

  it('an empty list is still an empty list', async () => {
    const endpoint = await armAnswering('{"value": []}');
    const arm = createArmClient({ endpoint, credential: { token: 'test-token' }, logger: capture().logger, pacing: false });
    try {
      expect(await arm.listConnections(PLS)).toEqual([]);
    } finally {
      await arm.close();
    }
  });
});
