/**
 * The Event Grid transport, through the real EventGridPublisherClient with its HTTP client
 * replaced (the SDK's own seam): what goes on the wire to a topic endpoint.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { notificationFor } from '../../src/notify/notification-for-record.js';
import { NotifyDeliveryError } from '../../src/notify/notify-delivery-error.js';
import { eventGridSender } from '../../src/notify/send-to-event-grid.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { makeRecord } from '../audit/audit-store.contract.js';

const TOPIC = 'https://linkgate.westeurope-1.eventgrid.azure.net/api/events';

function fakeTopic(statuses: number[] = []): { httpClient: HttpClient; requests: { url: string; headers: Record<string, string>; body: unknown }[] } {
  const requests: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      requests.push({ url: request.url, headers: request.headers.toJSON(), body: JSON.parse(String(request.body)) });
      return { request, status: statuses.shift() ?? 200, headers: createHttpHeaders() };
    },
  };
  return { httpClient, requests };
}

const record = makeRecord({ decision: 'manual', policy: 'payments-pls', action: { status: 'skipped' } });
const event = notificationFor(record, ['manual'])!;

describe('eventGridSender', () => {
  it('publishes the CloudEvent with the topic key', async () => {
    const topic = fakeTopic();
    await eventGridSender(TOPIC, { key: 'topic-key', httpClient: topic.httpClient })(event, AbortSignal.timeout(5_000));
    expect(topic.requests).toHaveLength(1);
    const sent = topic.requests[0]!;
    expect(sent.url.startsWith(TOPIC)).toBe(true);
    expect(sent.headers['aeg-sas-key']).toBe('topic-key');
    expect(sent.headers['content-type']).toContain('application/cloudevents-batch+json');
    expect(sent.body).toEqual([
      expect.objectContaining({ specversion: '1.0', type: 'Linkgate.ManualReviewRequired', source: 'linkgate', id: event.id, subject: record.connectionId, data: expect.objectContaining({ connectionId: record.connectionId }) }),
    ]);
  });

  it('turns a refusal into a typed error that says whether to retry', async () => {
    const send = (status: number) => eventGridSender(TOPIC, { key: 'k', httpClient: fakeTopic([status]).httpClient })(event, AbortSignal.timeout(5_000));
    await expect(send(401)).rejects.toMatchObject({ name: 'NotifyDeliveryError', transient: false, httpStatus: 401 });
    await expect(send(503)).rejects.toBeInstanceOf(NotifyDeliveryError);
    await expect(send(503)).rejects.toMatchObject({ transient: true });
  });

  it('is what the notifier uses for a topic endpoint, retried like a webhook', async () => {
    const topic = fakeTopic([500]);
    const notifier = createNotifier(
      { url: TOPIC, transport: 'eventGrid', key: 'k', on: ['manual'] },
      { logger: silentLogger(), sleep: async () => {}, eventGrid: { httpClient: topic.httpClient } },
    );
    notifier.notify(record);
    await notifier.drain();
    expect(topic.requests).toHaveLength(2);
    expect(notifier.stats()).toMatchObject({ sent: 1, failedAttempts: 1 });
  });
});
