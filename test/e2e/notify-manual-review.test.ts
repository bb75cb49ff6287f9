/**
 * Notifications end to end (issue 13 "Done when"): `linkgate serve` against the emulator with
 * LINKGATE_NOTIFY_URL pointing at a local receiver. Duplicate deliveries of one event raise
 * exactly one Linkgate.ManualReviewRequired per connection left for a person; with the receiver
 * down, the decisions, the records and the answers Event Grid gets are the same and the failure
 * is logged. Deliveries are awaited through the notifier's drain, never by sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resourceWriteSuccessEvent } from '../../src/demo/demo-events.js';
import { PLS_ID, planFor, startE2e, type E2eHarness } from '../support/e2e-harness.js';
import { captureLogger } from '../notify/capture-logger.js';
import { startReceiver, type CloudEventReceiver } from '../notify/cloud-event-receiver.js';

const harnesses: E2eHarness[] = [];
const receivers: CloudEventReceiver[] = [];

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

const MANUAL_ON_PLS = planFor(PLS_ID).filter((c) => c.expected === 'manual');

function plsEvent(id: string): Record<string, unknown>[] {
  return [
    resourceWriteSuccessEvent({
      resourceUri: `${PLS_ID}/privateEndpointConnections/${MANUAL_ON_PLS[0]!.id.split('/').pop()}`,
      operationName: 'Microsoft.Network/privateLinkServices/privateEndpointConnections/write',
      id,
    }),
  ];
}

async function deliverTwice(harness: E2eHarness): Promise<{ status: number; json: unknown }[]> {
  const answers = [];
  for (const id of ['evt-manual-1', 'evt-manual-1', 'evt-manual-2']) {
    const answer = await harness.deliver(plsEvent(id));
    answers.push({ status: answer.status, json: answer.json });
  }
  await harness.serve.runtime.notifier?.drain();
  return answers;
}

describe('notifications for manual review', () => {
  it('one Linkgate.ManualReviewRequired per manual decision, however often the event is delivered', async () => {
    expect(MANUAL_ON_PLS.length).toBeGreaterThanOrEqual(2);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const harness = await startE2e({ env: { LINKGATE_NOTIFY_URL: receiver.url } });
    harnesses.push(harness);

    const answers = await deliverTwice(harness);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    const manualEvents = receiver.posts.filter((p) => p.body['type'] === 'Linkgate.ManualReviewRequired');
    expect(manualEvents.map((p) => String(p.body['subject']).toLowerCase()).sort()).toEqual(MANUAL_ON_PLS.map((c) => c.id.toLowerCase()).sort());
    const records = await harness.records();
    for (const post of manualEvents) {
      const record = records.find((r) => r.connectionId.toLowerCase() === String(post.body['subject']).toLowerCase() && r.decision === 'manual');
      expect(record).toBeDefined();
      expect(post.body).toMatchObject({ specversion: '1.0', source: 'linkgate', id: `${record!.id}.manual`, data: { reasons: record!.reasons, policy: record!.policy } });
      expect(post.contentType).toContain('application/cloudevents+json');
    }
    // Approvals and rejections are not in the default LINKGATE_NOTIFY_ON.
    expect(receiver.posts).toHaveLength(manualEvents.length);
    expect(harness.serve.runtime.notifier?.stats()).toMatchObject({ sent: MANUAL_ON_PLS.length, failed: 0 });
  });

  it('with the receiver down: the same decisions, records and replies, and the failure logged', async () => {
    const healthy = await startReceiver();
    receivers.push(healthy);
    const reference = await startE2e({ env: { LINKGATE_NOTIFY_URL: healthy.url } });
    harnesses.push(reference);
    const expected = await deliverTwice(reference);

    const down = await startReceiver();
    const downUrl = down.url;
    await down.close();
    const logs = captureLogger();
    const harness = await startE2e({ env: { LINKGATE_NOTIFY_URL: downUrl, LINKGATE_LOG_LEVEL: 'warn' }, logger: logs.logger });
    harnesses.push(harness);
    const answers = await deliverTwice(harness);

    expect(answers).toEqual(expected);
    const strip = (records: Awaited<ReturnType<E2eHarness['records']>>) =>
      records.map((r) => ({ connectionId: r.connectionId, decision: r.decision, action: r.action.status, enforced: r.enforced })).sort((a, b) => a.connectionId.localeCompare(b.connectionId));
    expect(strip(await harness.records())).toEqual(strip(await reference.records()));
    for (const planned of planFor(PLS_ID)) expect(harness.emulator.writesTo(planned.id)).toBe(reference.emulator.writesTo(planned.id));

    expect(harness.serve.runtime.notifier?.stats()).toMatchObject({ sent: 0, failed: MANUAL_ON_PLS.length });
    const failures = logs.lines().filter((l) => l.msg.startsWith('notification not delivered'));
    expect(failures).toHaveLength(MANUAL_ON_PLS.length);
    expect(failures.every((l) => l['type'] === 'Linkgate.ManualReviewRequired')).toBe(true);
  });
});
