/**
 * Issue 11 Build 5 at the webhook: beyond the bounds a delivery is answered 503 with Retry-After
 * at once, and a batch not finished by the deadline is answered 503 while its work goes on (and
 * keeps its share of the bound until it ends). Handlers here wait on promises the test resolves,
 * and the deadline is a timer the test fires, so nothing depends on timing.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/host/admission.js';
import { WEBHOOK_PATH, startWebhookServer, type DeliveryContext, type WebhookServer } from '../../src/host/webhook-server.js';
import type { DeliveredEvent } from '../../src/intake/parse-delivery.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';
import { manualDeadlineTimer } from '../support/manual-deadline-timer.js';

let server: WebhookServer | undefined;
const agent = new Agent({ connections: 64 });
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A batch of `count` copies of the fixture event, each with its own id. */
function batch(count: number): string {
  const [event] = readFixture<Record<string, unknown>[]>(EVENT_FIXTURES.pecProxyEventGrid);
  return JSON.stringify(Array.from({ length: count }, () => ({ ...event, id: randomUUID() })));
}

async function post(url: string, body: string): Promise<{ status: number; retryAfter: unknown; json: Record<string, unknown> }> {
  const response = await request(url, { method: 'POST', body, dispatcher: agent, headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' } });
  return { status: response.statusCode, retryAfter: response.headers['retry-after'], json: (await response.body.json()) as Record<string, unknown> };
}

/** A handler that holds every batch until released, and says when `n` batches are held. */
function heldHandler() {
  const held: Array<() => void> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const contexts: DeliveryContext[] = [];
  return {
    contexts,
    handle: async (events: DeliveredEvent[], context: DeliveryContext) => {
      contexts.push(context);
      await new Promise<void>((resolve) => {
        held.push(resolve);
        for (const w of waiters.filter((w) => held.length >= w.n)) w.resolve();
      });
      return { summary: { handled: events.length } };
    },
    whenHeld: (n: number) => new Promise<void>((resolve) => (held.length >= n ? resolve() : waiters.push({ n, resolve }))),
    releaseAll: () => held.splice(0).forEach((release) => release()),
  };
}

describe('admission control', () => {
  it('counts deliveries and events, and lets an oversized batch in only when nothing else is in flight', () => {
    const admission = createAdmission({ maxEvents: 10, maxDeliveries: 2 });
    expect(admission.enterDelivery()).toBe(true);
    expect(admission.enterDelivery()).toBe(true);
    expect(admission.enterDelivery()).toBe(false);
    admission.leaveDelivery();
    expect(admission.enterDelivery()).toBe(true);
    expect(admission.admitEvents(25)).toBe(true);
    expect(admission.admitEvents(1)).toBe(false);
    admission.releaseEvents(25);
    expect(admission.admitEvents(6)).toBe(true);
    expect(admission.admitEvents(4)).toBe(true);
    expect(admission.admitEvents(1)).toBe(false);
    expect(admission.inFlight).toEqual({ deliveries: 2, events: 10 });
  });

  it('answers deliveries beyond the bound 503 with Retry-After at once, and takes them again once there is room', async () => {
    const handler = heldHandler();
    server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle: handler.handle, limits: { maxDeliveries: 3, maxEvents: 1000 } });
    const url = server.url + WEBHOOK_PATH;
    const admitted = Array.from({ length: 3 }, () => post(url, batch(1)));
    await handler.whenHeld(3);
    // Answered while the first three are still held: refused at once, not queued.
    const excess = await Promise.all(Array.from({ length: 5 }, () => post(url, batch(1))));
    for (const answer of excess) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('10');
      expect(String(answer.json['error'])).toMatch(/overloaded/u);
    }
    handler.releaseAll();
    for (const answer of await Promise.all(admitted)) expect(answer.status).toBe(200);
    const retried = post(url, batch(1));
    await handler.whenHeld(1);
    handler.releaseAll();
    expect((await retried).status).toBe(200);
  });

  it('bounds the events in flight across deliveries', async () => {
    const handler = heldHandler();
    server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle: handler.handle, limits: { maxDeliveries: 10, maxEvents: 50 } });
    const url = server.url + WEBHOOK_PATH;
    const first = post(url, batch(40));
    await handler.whenHeld(1);
    const tooMany = await post(url, batch(20));
    expect(tooMany.status).toBe(503);
    expect(String(tooMany.json['error'])).toMatch(/40 events in flight, bound 50/u);
    const fits = post(url, batch(10));
    await handler.whenHeld(2);
    handler.releaseAll();
    expect((await first).status).toBe(200);
    expect((await fits).status).toBe(200);
  });

  it('answers 503 at the deadline, signals the work to start nothing new, and keeps its share until the work ends', async () => {
    const handler = heldHandler();
    const timer = manualDeadlineTimer();
    server = await startWebhookServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), handle: handler.handle, limits: { maxDeliveries: 10, maxEvents: 5, deadlineMs: 200 }, timer });
    const url = server.url + WEBHOOK_PATH;
    const answer = post(url, batch(5));
    await handler.whenHeld(1);
    // The deadline passes while the batch is held: fired by the test, not waited for.
    expect(timer.started.map((t) => t.ms)).toEqual([200]);
    timer.started[0]!.fire();
    const late = await answer;
    expect(late.status).toBe(503);
    expect(late.retryAfter).toBe('10');
    expect(String(late.json['error'])).toMatch(/not finished within 200 ms/u);
    expect(handler.contexts[0]?.signal.aborted).toBe(true);
    // Its work is still running: its five events still count.
    expect(server.admission.inFlight.events).toBe(5);
    expect((await post(url, batch(1))).status).toBe(503);
    handler.releaseAll();
    // close() waits for the work answered 503, so nothing it records is cut off.
    await server.close();
    expect(server.admission.inFlight.events).toBe(0);
    server = undefined;
  });
});
