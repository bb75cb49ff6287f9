import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { isWebhookPath, startWebhookServer, type WebhookServer } from '../../src/host/webhook-server.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { EVENT_FIXTURES, readFixtureText } from '../support/fixtures.js';

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('isWebhookPath', () => {
  it.each([
    '/runtime/webhooks/eventgrid',
    '/runtime/webhooks/EventGrid',
    '/runtime/webhooks/EventGrid/',
    '/Runtime/Webhooks/EVENTGRID/',
  ])('accepts %s', (path) => {
    expect(isWebhookPath(path)).toBe(true);
  });

  it.each([
    '/runtime/webhooks/eventgrid//',
    '/runtime/webhooks/eventgridx',
    '/runtime/webhooks/blobs',
    '/runtime/webhooks',
    '/api/runtime/webhooks/eventgrid',
    '',
    '/',
  ])('refuses %j', (path) => {
    expect(isWebhookPath(path)).toBe(false);
  });
});

describe('the webhook route as the Functions trigger template prints it', () => {
  it.each(['/runtime/webhooks/EventGrid', '/runtime/webhooks/EventGrid/', '/runtime/webhooks/eventgrid/'])(
    'answers the validation handshake at %s?functionName=…',
    async (path) => {
      server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle: async () => ({ summary: {} }) });
      const response = await request(`${server.url}${path}?functionName=connection-events`, {
        method: 'POST',
        body: readFixtureText(EVENT_FIXTURES.subscriptionValidation),
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
    },
  );

  it('still answers 404 on another path', async () => {
    server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle: async () => ({ summary: {} }) });
    const response = await request(`${server.url}/runtime/webhooks/blobs`, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' } });
    await response.body.dump();
    expect(response.statusCode).toBe(404);
  });
});
