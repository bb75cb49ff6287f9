/**
 * The Functions handler takes the host's already-parsed event without @azure/eventgrid's
 * deserializer (a cold-start cost): for every real event shape it must yield what the webhook
 * path's parseDelivery yields, and the pipeline must map it to the same hint.
 */
import { describe, expect, it } from 'vitest';
import { deliveredFromHost } from '../../functions/host-event.js';
import { mapEventToHint } from '../../src/intake/map-event-to-targets.js';
import { parseDelivery } from '../../src/intake/parse-delivery.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

const governsAll = (): boolean => true;

describe('deliveredFromHost', () => {
  it.each(Object.entries(EVENT_FIXTURES))('%s: the same event and hint as parseDelivery', async (_name, fixture) => {
    const body = readFixture<unknown>(fixture);
    for (const event of Array.isArray(body) ? body : [body]) {
      const viaWebhook = await parseDelivery([event]);
      expect(viaWebhook.ok && viaWebhook.delivery.events).toHaveLength(1);
      const expected = viaWebhook.ok ? viaWebhook.delivery.events[0]! : undefined;
      const got = deliveredFromHost(event);
      expect(got.ok).toBe(true);
      if (!got.ok || expected === undefined) return;
      const { raw: _raw, ...fields } = got.event;
      const { raw: _expectedRaw, ...expectedFields } = expected;
      expect(fields).toEqual(expectedFields);
      expect(mapEventToHint(got.event, governsAll)).toEqual(mapEventToHint(expected, governsAll));
    }
  });

  it.each([
    ['not an object', 'x', 'not a JSON object'],
    ['no id', { eventType: 't', subject: 's', data: {} }, "no 'id'"],
    ['no data', { id: '1', eventType: 't', subject: 's' }, "no 'data'"],
    ['no eventType', { id: '1', subject: 's', data: {} }, "'eventType' and 'subject'"],
    ['a CloudEvent without source', { id: '1', specversion: '1.0', type: 't', data: {} }, "'type' and 'source'"],
  ])('refuses %s', (_label, event, error) => {
    expect(deliveredFromHost(event)).toEqual({ ok: false, error: expect.stringContaining(error) });
  });
});
