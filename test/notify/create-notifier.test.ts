import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.js';
import { createNotifier, type NotifierOptions } from '../../src/notify/create-notifier.js';
import type { NotifySettings } from '../../src/notify/notify-settings.js';
import { CLOUDEVENTS_CONTENT_TYPE } from '../../src/notify/send-to-webhook.js';
import { makeRecord } from '../audit/audit-store.contract.js';
import { captureLogger } from './capture-logger.js';
import { startReceiver, type CloudEventReceiver } from './cloud-event-receiver.js';

let receiver: CloudEventReceiver;
let agent: Agent;
const sleeps: number[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
  agent = new Agent();
  sleeps.length = 0;
});

afterEach(async () => {
  await agent.close();
  await receiver.close();
});

const manual = (): AuditRecord => makeRecord({ decision: 'manual', policy: 'payments-pls', action: { status: 'skipped' } });

function notifierFor(url: string, options: Partial<NotifierOptions> = {}) {
  const settings: NotifySettings = { url, transport: 'webhook', key: undefined, on: ['manual', 'drift', 'failed'] };
  const logs = captureLogger();
  const notifier = createNotifier(settings, {
    logger: logs.logger,
    dispatcher: agent,
    // Backoff is recorded, not waited: the test orders nothing by time.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { notifier, logs };
}

describe('createNotifier over a webhook', () => {
  it('POSTs one structured CloudEvent per record that raises one', async () => {
    const { notifier } = notifierFor(receiver.url);
    const record = manual();
    notifier.notify(record);
    notifier.notify(makeRecord({ decision: 'approve', action: { status: 'pending' } }));
    await notifier.drain();
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]?.contentType).toBe(CLOUDEVENTS_CONTENT_TYPE);
    expect(receiver.posts[0]?.body).toMatchObject({ specversion: '1.0', type: 'Linkgate.ManualReviewRequired', source: 'linkgate', id: `${record.id}.manual`, subject: record.connectionId });
    expect(notifier.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, failedAttempts: 0 });
  });

  it('retries a 500 with growing backoff, then delivers', async () => {
    receiver.script(500, 503);
    const { notifier } = notifierFor(receiver.url);
    notifier.notify(manual());
    await notifier.drain();
    expect(receiver.posts).toHaveLength(1);
    expect(sleeps).toEqual([250, 500]);
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0, failedAttempts: 2 });
  });

  it('gives up after its attempts, logs and counts it, and never throws', async () => {
    receiver.script(500, 500, 500, 500);
    const { notifier, logs } = notifierFor(receiver.url);
    expect(() => notifier.notify(manual())).not.toThrow();
    await notifier.drain();
    expect(receiver.posts).toHaveLength(0);
    expect(sleeps).toHaveLength(2);
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, failedAttempts: 3 });
    expect(logs.lines().filter((l) => l.msg.startsWith('notification not delivered'))).toHaveLength(1);
  });

  it('does not retry an answer that will not change (400)', async () => {
    receiver.script(400);
    const { notifier } = notifierFor(receiver.url);
    notifier.notify(manual());
    await notifier.drain();
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, failedAttempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('gives up on a receiver that is down', async () => {
    const url = receiver.url;
    await receiver.close();
    const { notifier, logs } = notifierFor(url);
    notifier.notify(manual());
    await notifier.drain();
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, failedAttempts: 3 });
    const failure = logs.lines().find((l) => l.msg.startsWith('notification not delivered'));
    expect(failure).toMatchObject({ notifyUrl: url.replace(/\?.*$/u, ''), type: 'Linkgate.ManualReviewRequired' });
  });

  it('bounds a slow receiver by the attempt timeout', async () => {
    receiver.hold();
    const { notifier } = notifierFor(receiver.url, { attemptTimeoutMs: 50, maxAttempts: 2 });
    notifier.notify(manual());
    await notifier.drain();
    receiver.release();
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, failedAttempts: 2 });
  });

  it('drops past the in-flight bound and counts it', async () => {
    receiver.hold();
    const { notifier } = notifierFor(receiver.url, { maxInFlight: 1 });
    notifier.notify(manual());
    notifier.notify(manual());
    expect(notifier.stats().dropped).toBe(1);
    const drained = notifier.drain();
    receiver.release();
    await drained;
    expect(notifier.stats()).toMatchObject({ sent: 1, dropped: 1 });
  });

  it('never logs the signature of a workflow URL', async () => {
    await receiver.close();
    const { notifier, logs } = notifierFor(`${receiver.url}?sig=TOPSECRET`);
    notifier.notify(manual());
    await notifier.drain();
    expect(JSON.stringify(logs.lines())).not.toContain('TOPSECRET');
  });
});
