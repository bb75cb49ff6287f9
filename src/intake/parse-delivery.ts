/**
 * One Event Grid delivery (an HTTP body) into normalised events, for both schemas Event Grid
 * speaks: the Event Grid schema (always an array) and CloudEvents 1.0 (single or batch).
 * Validation of each event is `@azure/eventgrid`'s EventGridDeserializer; one malformed event
 * is reported and skipped, it does not sink the rest of the batch.
 */
import { EventGridDeserializer, type CloudEvent, type EventGridEvent } from '@azure/eventgrid';
import { isRecord } from '../util/is-record.js';

export type EventSchema = 'eventgrid' | 'cloudevents';

interface DeliveredEventBase {
  id: string;
  type: string;
  subject: string;
  /** Event Grid `topic` or CloudEvents `source`. */
  source: string;
  data: unknown;
}

/** A validated event; `raw` is the SDK's event, for `isSystemEvent` type guards. */
export type DeliveredEvent =
  | (DeliveredEventBase & { schema: 'eventgrid'; raw: EventGridEvent<unknown> })
  | (DeliveredEventBase & { schema: 'cloudevents'; raw: CloudEvent<unknown> });

export interface RejectedEvent {
  index: number;
  id: string | undefined;
  error: string;
}

export interface ParsedDelivery {
  schema: EventSchema;
  events: DeliveredEvent[];
  rejected: RejectedEvent[];
}

export type ParseDeliveryResult = { ok: true; delivery: ParsedDelivery } | { ok: false; error: string };

export const MAX_EVENTS_PER_DELIVERY = 5000;

const deserializer = new EventGridDeserializer();


/** Which schema a body uses: the content type when it says, else the shape of the first event. */
export function detectSchema(body: unknown, contentType: string | undefined): EventSchema | undefined {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/cloudevents')) return 'cloudevents';
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isRecord(first)) return undefined;
  if (typeof first['specversion'] === 'string') return 'cloudevents';
  if (typeof first['eventType'] === 'string') return 'eventgrid';
  return undefined;
}

export async function parseDelivery(body: unknown, contentType?: string): Promise<ParseDeliveryResult> {
  if (!Array.isArray(body) && !isRecord(body)) return { ok: false, error: 'the body must be a JSON array of events or one CloudEvent object' };
  const items: unknown[] = Array.isArray(body) ? body : [body];
  if (items.length > MAX_EVENTS_PER_DELIVERY) return { ok: false, error: `a delivery holds at most ${MAX_EVENTS_PER_DELIVERY} events; this one has ${items.length}` };
  if (items.length === 0) return { ok: true, delivery: { schema: 'eventgrid', events: [], rejected: [] } };
  const schema = detectSchema(body, contentType);
  if (schema === undefined) return { ok: false, error: "events carry neither 'eventType' (Event Grid schema) nor 'specversion' (CloudEvents 1.0)" };
  if (schema === 'eventgrid' && !Array.isArray(body)) return { ok: false, error: 'an Event Grid schema delivery must be a JSON array' };

  const events: DeliveredEvent[] = [];
  const rejected: RejectedEvent[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const id = isRecord(item) && typeof item['id'] === 'string' ? item['id'] : undefined;
    if (!isRecord(item)) {
      rejected.push({ index, id, error: 'not a JSON object' });
      continue;
    }
    try {
      if (schema === 'eventgrid') {
        const [event] = await deserializer.deserializeEventGridEvents(item);
        if (event === undefined) throw new TypeError('no event');
        events.push({ id: event.id, type: event.eventType, subject: event.subject, source: event.topic ?? '', data: event.data, schema: 'eventgrid', raw: event });
      } else {
        const [event] = await deserializer.deserializeCloudEvents(item);
        if (event === undefined) throw new TypeError('no event');
        events.push({ id: event.id, type: event.type, subject: event.subject ?? '', source: event.source, data: event.data, schema: 'cloudevents', raw: event });
      }
    } catch (error) {
      rejected.push({ index, id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { ok: true, delivery: { schema, events, rejected } };
}

export const SUBSCRIPTION_VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** The validation code of a handshake delivery, or undefined when the body is not one. */
export function validationCodeOf(body: unknown): string | undefined {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isRecord(first)) return undefined;
  const type = first['eventType'] ?? first['type'];
  if (type !== SUBSCRIPTION_VALIDATION_EVENT) return undefined;
  const data = first['data'];
  return isRecord(data) && typeof data['validationCode'] === 'string' ? data['validationCode'] : undefined;
}
