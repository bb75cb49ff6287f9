/**
 * The event the Functions host hands a trigger, as the pipeline's DeliveredEvent. The host has
 * already parsed the delivery (Event Grid schema or CloudEvents 1.0, one event per invocation),
 * so this checks the fields the pipeline reads and does not load @azure/eventgrid's deserializer,
 * which cost a cold worker about 300 ms to import (issue 12); `linkgate serve`, which receives
 * raw webhook bodies, still deserialises them with it (src/intake/parse-delivery.ts).
 */
import type { DeliveredEvent } from '../src/intake/parse-delivery.js';
import { isRecord } from '../src/util/is-record.js';

export type HostEventResult = { ok: true; event: DeliveredEvent } | { ok: false; error: string };


function text(event: Record<string, unknown>, field: string): string | undefined {
  const value = event[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function time(value: unknown): Date {
  const parsed = typeof value === 'string' || value instanceof Date ? new Date(value) : new Date(Number.NaN);
  return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
}

export function deliveredFromHost(event: unknown): HostEventResult {
  if (!isRecord(event)) return { ok: false, error: 'the event is not a JSON object' };
  const id = text(event, 'id');
  if (id === undefined) return { ok: false, error: "the event has no 'id'" };
  if (!('data' in event)) return { ok: false, error: "the event has no 'data'" };
  const data = event['data'];
  if (typeof event['specversion'] === 'string') {
    const type = text(event, 'type');
    const source = text(event, 'source');
    if (type === undefined || source === undefined) return { ok: false, error: "a CloudEvent needs 'type' and 'source'" };
    const subject = text(event, 'subject');
    return {
      ok: true,
      event: { id, type, subject: subject ?? '', source, data, schema: 'cloudevents', raw: { id, type, source, time: time(event['time']), data, ...(subject === undefined ? {} : { subject }) } },
    };
  }
  const eventType = text(event, 'eventType');
  // Event Grid sends an empty subject on some system events (the validation handshake).
  const subject = typeof event['subject'] === 'string' ? event['subject'] : undefined;
  if (eventType === undefined || subject === undefined) return { ok: false, error: "an Event Grid event needs 'eventType' and 'subject'" };
  const topic = text(event, 'topic');
  return {
    ok: true,
    event: {
      id,
      type: eventType,
      subject,
      source: topic ?? '',
      data,
      schema: 'eventgrid',
      raw: { id, eventType, subject, data, dataVersion: text(event, 'dataVersion') ?? '', eventTime: time(event['eventTime']), ...(topic === undefined ? {} : { topic }) },
    },
  };
}
