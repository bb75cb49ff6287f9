/**
 * Security (issue 7): `linkgate serve` binds to 127.0.0.1 by default; bound to anything else it
 * requires LINKGATE_WEBHOOK_KEY (checked in constant time, sent as a header or `?code=` as
 * Functions keys are) or refuses to start. Bodies over 1 MB get 413, malformed ones 400, deeply
 * nested JSON is refused without a stack overflow, through the whole host (the webhook server's
 * own unit tests are in test/host/webhook-server.test.ts).
 *
 * The non-loopback address used is 192.0.2.1 (TEST-NET-1, RFC 5737): if the refusal were removed
 * the host would try to bind it and fail differently, so the test fails without ever listening on
 * a reachable interface.
 */
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLS_ID, demoWorld } from '../../emulator/demo-world.js';
import { readConfig } from '../../src/config/read-config.js';
import { connectionProxyWriteEvent } from '../../src/demo/demo-events.js';
import { LinkgateError } from '../../src/errors/linkgate-error.js';
import { assertSafeBinding, startServe } from '../../src/host/start-serve.js';
import { keyMatches } from '../../src/host/webhook-server.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { runCli } from '../support/run-cli.js';
import { startHarness, type Harness } from './serve-harness.js';

const KEY = 'k3y-0f-at-least-16-chars-8c1f9e';
const NOT_LOOPBACK = '192.0.2.1';

describe('binding', () => {
  it('defaults to 127.0.0.1', () => {
    expect(readConfig({}).host).toBe('127.0.0.1');
  });

  it.each([
    ['no key', undefined],
    ['a key shorter than 16 characters', 'short-key'],
  ])('refuses a non-loopback address with %s, before listening', async (_name, webhookKey) => {
    const config = { ...readConfig({ LINKGATE_HOST: NOT_LOOPBACK, LINKGATE_PORT: '0' }), webhookKey };
    const started = startServe(config, { logger: silentLogger() });
    await expect(started).rejects.toBeInstanceOf(LinkgateError);
    await expect(started).rejects.toMatchObject({ exitCode: 2, hint: expect.stringContaining('LINKGATE_WEBHOOK_KEY') });
  });

  it('`linkgate serve --host 192.0.2.1` without LINKGATE_WEBHOOK_KEY exits 2 and says why', async () => {
    const result = await runCli(['serve', '--host', NOT_LOOPBACK, '--port', '0'], { env: { LINKGATE_LOG_LEVEL: 'silent' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LINKGATE_WEBHOOK_KEY');
  });

  it('accepts a non-loopback address with a long key, and any loopback address without one', () => {
    expect(() => assertSafeBinding({ host: NOT_LOOPBACK, webhookKey: KEY })).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(() => assertSafeBinding({ host, webhookKey: undefined })).not.toThrow();
    for (const host of ['0.0.0.0', '::', '10.0.0.4', 'example.com']) expect(() => assertSafeBinding({ host, webhookKey: undefined })).toThrow(LinkgateError);
  });

  it('compares keys in constant time over digests: any length, no throw, no prefix match', () => {
    expect(keyMatches(KEY, KEY)).toBe(true);
    expect(keyMatches(KEY.slice(0, -1), KEY)).toBe(false);
    expect(keyMatches(KEY + 'x', KEY)).toBe(false);
    expect(keyMatches('x'.repeat(10_000), KEY)).toBe(false);
    expect(keyMatches('', KEY)).toBe(false);
  });
});

describe('a served host with LINKGATE_WEBHOOK_KEY', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ emulator: { world: demoWorld() }, env: { LINKGATE_WEBHOOK_KEY: KEY } });
  });
  afterAll(async () => {
    await h.close();
  });
  const event = (): unknown => [connectionProxyWriteEvent(PLS_ID, 'c')];

  it('refuses deliveries without the key or with a wrong one, and makes no ARM request for them', async () => {
    const before = h.emulator.requests.length;
    expect((await h.post(event())).status).toBe(401);
    expect((await h.post(event(), { 'x-functions-key': KEY.slice(0, -1) })).status).toBe(401);
    expect((await h.post(event(), {}, `?code=${encodeURIComponent(KEY)}x`)).status).toBe(401);
    expect(h.emulator.requests.length).toBe(before);
  });

  it('accepts the key as x-functions-key or ?code=, as Azure Functions does', async () => {
    expect((await h.post(event(), { 'x-functions-key': KEY })).status).toBe(200);
    expect((await h.post(event(), {}, `?functionName=connection-events&code=${encodeURIComponent(KEY)}`)).status).toBe(200);
  });

  it('the key never appears in a log line, even when sent in the URL', () => {
    expect(h.lines.length).toBeGreaterThan(0);
    expect(h.lines.filter((line) => line.includes(KEY))).toEqual([]);
  });
});

describe('hostile bodies through the whole host', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ emulator: { world: demoWorld() } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 413 over 1 MB, also when the body is streamed without a Content-Length', async () => {
    expect((await h.post(JSON.stringify([{ pad: 'x'.repeat(1024 * 1024) }]))).status).toBe(413);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const body = Readable.from((function* () {
      for (let i = 0; i < 40; i++) yield chunk;
    })());
    const response = await request(h.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).catch((error: unknown) => error);
    // Either the 413 arrives, or the host closes the connection on the over-long upload: never a 2xx.
    if (response instanceof Error) expect(response.message).toMatch(/socket|closed|reset|EPIPE/iu);
    else {
      await (response as Awaited<ReturnType<typeof request>>).body.dump();
      expect((response as Awaited<ReturnType<typeof request>>).statusCode).toBe(413);
    }
  });

  it.each([
    ['truncated JSON', '[{"id":'],
    ['not JSON at all', 'hello'],
    ['an event missing its fields', '[{"id":"1"}]'],
    ['nested arrays 100,000 deep', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['nested objects 100,000 deep', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
  ])('answers 400 to %s, and keeps serving', async (_name, body) => {
    const response = await h.post(body);
    expect(response.status).toBe(400);
    expect((JSON.parse(response.text) as { error: string }).error.length).toBeGreaterThan(5);
    const health = await request(h.serve.url + '/healthz');
    await health.body.dump();
    expect(health.statusCode).toBe(200);
  });

  it('made no ARM request for any of them', () => {
    expect(h.emulator.requests).toEqual([]);
  });
});
