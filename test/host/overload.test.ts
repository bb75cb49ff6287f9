/**
 * Issue 11 Build 5, end to end: more concurrent deliveries than `linkgate serve` admits. Each is
 * answered (a request not answered within Event Grid's 30 s fails here), the excess at once with
 * 503 and Retry-After, and after Event Grid-style redelivery of every non-2xx answer each planned
 * decision is written once and recorded once: nothing lost, nothing doubled.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BULK_TARGETS, STORAGE_ID, outcomeProblems, plannedWrites, retarget, sendToWebhook, startE2e, type E2eHarness } from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

const EVENT_GRID_WAIT_MS = 30_000;
const MAX_REDELIVERIES = 20;
const MAX_ADMITTED = 4;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('serve under more deliveries than it admits', () => {
  it('answers every delivery, refuses the excess with 503 at once, and loses no decision after redelivery', async () => {
    // The admitted deliveries' first listings are held until the test lets them go, so they are
    // still in flight when the rest arrive, however slowly a busy machine sends them.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const h: E2eHarness = await startE2e({
      env: { LINKGATE_SERVE_MAX_DELIVERIES: String(MAX_ADMITTED) },
      emulator: { faults: [{ match: { operation: 'list' }, fault: { kind: 'delay', ms: 1 }, times: MAX_ADMITTED }], sleep: () => held },
    });
    cleanups.push(async () => release());
    cleanups.push(() => h.close());
    // As Event Grid: many connections at once, and no answer after 30 s counts as a failure.
    const sender = new Agent({ connections: 64, headersTimeout: EVENT_GRID_WAIT_MS, bodyTimeout: EVENT_GRID_WAIT_MS });
    cleanups.push(() => sender.close());

    const deliveries = BULK_TARGETS.map((target) => [{ ...retarget(readFixture<Record<string, unknown>[]>(EVENT_FIXTURES.pecProxyEventGrid)[0], STORAGE_ID, target), id: randomUUID() }]);
    // The excess is answered while the admitted ones are held: wait for exactly those answers, then release.
    let answeredWhileHeld = 0;
    let excessAnswered = (): void => undefined;
    const allExcessAnswered = new Promise<void>((resolve) => (excessAnswered = resolve));
    const sent = deliveries.map((body) =>
      sendToWebhook(h.webhookUrl, body, { dispatcher: sender }).then((answer) => {
        if (++answeredWhileHeld === deliveries.length - MAX_ADMITTED) excessAnswered();
        return answer;
      }),
    );
    await allExcessAnswered;
    release();
    const first = await Promise.all(sent);
    const refused = first.filter((a) => a.status === 503);
    // Exactly the admitted ones were held and then answered 200; every other delivery was refused at once.
    expect(refused.length).toBe(deliveries.length - MAX_ADMITTED);
    expect(first.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(first.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    for (const answer of refused) expect(answer.headers['retry-after']).toBeDefined();

    // Event Grid redelivers each event that was not answered 2xx, the same event id each time.
    let outstanding = deliveries.filter((_, i) => first[i]?.status !== 200);
    for (let round = 0; round < MAX_REDELIVERIES && outstanding.length > 0; round++) {
      const answers = await Promise.all(outstanding.map((body) => sendToWebhook(h.webhookUrl, body, { dispatcher: sender })));
      outstanding = outstanding.filter((_, i) => answers[i]?.status !== 200);
    }
    expect(outstanding).toEqual([]);

    const records = await h.records();
    const eventIds = deliveries.map((d) => d[0]?.id as string);
    const check = { eventIds, policyRevision: h.serve.runtime.policies.revision };
    expect(BULK_TARGETS.flatMap((target) => outcomeProblems(h.emulator, records, target, check))).toEqual([]);
    expect(h.emulator.writes()).toBe(plannedWrites(BULK_TARGETS));
  });
});
