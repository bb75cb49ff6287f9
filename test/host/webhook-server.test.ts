import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { MAX_BODY_BYTES, WEBHOOK_PATH, keyMatches, startWebhookServer, type WebhookServer } from '../../src/host/webhook-server.js';
import type { DeliveredEvent } from '../../src/intake/parse-delivery.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { EVENT_FIXTURES, readFixtureText } from '../support/fixtures.js';

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handle: (events: DeliveredEvent[]) => Promise<{ summary: Record<string, unknown> }>, key?: string): Promise<string> {
  server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle, key });
  return server.url + WEBHOOK_PATH;
}

const ok = async (events: DeliveredEvent[]) => ({ summary: { handled: events.length } });

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification', ...headers } });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('Event Grid webhook protocol', () => {
  it('answers the SubscriptionValidation handshake', async () => {
    const url = await start(ok);
    const res = await post(url, readFixtureText(EVENT_FIXTURES.subscriptionValidation), { 'aeg-event-type': 'SubscriptionValidation' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
  });

  it('answers the CloudEvents OPTIONS handshake', async () => {
    const url = await start(ok);
    const res = await request(url, { method: 'OPTIONS', headers: { 'webhook-request-origin': 'eventgrid.azure.net' } });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(res.headers['webhook-allowed-origin']).toBe('eventgrid.azure.net');
  });

  it('handles both schemas and answers 200 only after the batch is handled', async () => {
    const seen: string[] = [];
    const url = await start(async (events) => {
      await Promise.resolve();
      seen.push(...events.map((e) => e.id));
      return { summary: { handled: events.length } };
    });
    const eg = await post(url, readFixtureText(EVENT_FIXTURES.pecProxyEventGrid));
    expect(eg.status).toBe(200);
    expect(seen).toEqual(['4db48cba-50a2-455a-93b4-de41a3b5b7f6']);
    const ce = await post(url, readFixtureText(EVENT_FIXTURES.resourceNotificationPls), { 'content-type': 'application/cloudevents+json' });
    expect(ce.status).toBe(200);
    expect(ce.json).toMatchObject({ handled: 1, malformed: 0 });
  });

  it('answers 503 when handling fails, so Event Grid retries', async () => {
    const url = await start(async () => {
      throw Object.assign(new Error('ARM throttled'), { httpStatus: 429 });
    });
    const res = await post(url, readFixtureText(EVENT_FIXTURES.pecProxyEventGrid));
    expect(res.status).toBe(503);
    expect(res.json?.['error']).toContain('ARM throttled');
  });

  it.each([
    ['not JSON', '{"a":'],
    ['a bare number', '42'],
    ['no known schema', '[{"a":1}]'],
    ['deeply nested JSON', '['.repeat(10_000) + ']'.repeat(10_000)],
  ])('answers 400 with a reason for %s', async (_name, body) => {
    const url = await start(ok);
    const res = await post(url, body);
    expect(res.status).toBe(400);
    expect(String(res.json?.['error']).length).toBeGreaterThan(5);
  });

  it('answers 413 over 1 MB', async () => {
    const url = await start(ok);
    const res = await post(url, JSON.stringify([{ pad: 'x'.repeat(MAX_BODY_BYTES) }]));
    expect(res.status).toBe(413);
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    const url = await start(ok);
    expect((await post(url.replace(WEBHOOK_PATH, '/api/other'), '[]')).status).toBe(404);
    const get = await request(url);
    await get.body.dump();
    expect(get.statusCode).toBe(405);
  });

  it('requires the shared key when one is configured, by header or ?code=', async () => {
    const url = await start(ok, 'a-long-shared-secret-key');
    const body = readFixtureText(EVENT_FIXTURES.pecProxyEventGrid);
    expect((await post(url, body)).status).toBe(401);
    expect((await post(url, body, { 'x-functions-key': 'wrong' })).status).toBe(401);
    expect((await post(url, body, { 'x-functions-key': 'a-long-shared-secret-key' })).status).toBe(200);
    expect((await post(`${url}?functionName=connection-events&code=a-long-shared-secret-key`, body)).status).toBe(200);
  });

  it('finishes in-flight deliveries before closing', async () => {
    let finished = false;
    let entered!: () => void;
    const handling = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const url = await start(async () => {
      entered();
      await released;
      finished = true;
      return { summary: {} };
    });
    const pending = post(url, readFixtureText(EVENT_FIXTURES.pecProxyEventGrid));
    // Close only once the delivery is being handled (awaited, not slept on), and let it finish after.
    await handling;
    const closing = server?.close();
    release();
    await closing;
    server = undefined;
    expect(finished).toBe(true);
    expect((await pending).status).toBe(200);
  });
});

describe('keyMatches', () => {
  it('compares in constant time over digests', () => {
    expect(keyMatches('abc', 'abc')).toBe(true);
    expect(keyMatches('abd', 'abc')).toBe(false);
    expect(keyMatches('', 'abc')).toBe(false);
    expect(keyMatches(undefined, 'abc')).toBe(false);
  });
});
