import { describe, expect, it } from 'vitest';
import { detectSchema, parseDelivery, validationCodeOf } from '../../src/intake/parse-delivery.js';
import { jsonDepth, parseJsonSafely } from '../../src/intake/parse-json-safely.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

describe('parseDelivery', () => {
  it('reads an Event Grid schema array', async () => {
    const result = await parseDelivery(readFixture(EVENT_FIXTURES.pecProxyEventGrid), 'application/json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.delivery.schema).toBe('eventgrid');
    expect(result.delivery.events).toHaveLength(1);
    expect(result.delivery.events[0]).toMatchObject({
      id: '4db48cba-50a2-455a-93b4-de41a3b5b7f6',
      type: 'Microsoft.Resources.ResourceWriteSuccess',
      source: '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11',
    });
  });

  it('reads a single CloudEvent and a CloudEvents batch', async () => {
    const single = readFixture<Record<string, unknown>>(EVENT_FIXTURES.pecProxyCloudEvent);
    const one = await parseDelivery(single, 'application/cloudevents+json; charset=utf-8');
    expect(one.ok && one.delivery.schema).toBe('cloudevents');
    expect(one.ok && one.delivery.events.map((e) => e.id)).toEqual(['4db48cba-50a2-455a-93b4-de41a3b5b7f6']);
    const batch = await parseDelivery([single, readFixture(EVENT_FIXTURES.resourceNotificationPls)], 'application/cloudevents-batch+json');
    expect(batch.ok && batch.delivery.events.map((e) => e.type)).toEqual([
      'Microsoft.Resources.ResourceWriteSuccess',
      'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated',
    ]);
  });

  it('detects the schema from the shape when the content type does not say', () => {
    expect(detectSchema(readFixture(EVENT_FIXTURES.pecProxyEventGrid), undefined)).toBe('eventgrid');
    expect(detectSchema(readFixture(EVENT_FIXTURES.pecProxyCloudEvent), 'application/json')).toBe('cloudevents');
    expect(detectSchema([{ hello: 1 }], undefined)).toBeUndefined();
  });

  it('skips a malformed event but keeps the rest of the batch', async () => {
    const good = readFixture<unknown[]>(EVENT_FIXTURES.pecProxyEventGrid)[0];
    const result = await parseDelivery([good, { eventType: 'x', id: 'bad-1' }, 42], undefined);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.delivery.events).toHaveLength(1);
    expect(result.delivery.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(result.delivery.rejected[0]?.id).toBe('bad-1');
  });

  it.each([
    ['a number', 42],
    ['a string', 'hello'],
    ['objects of no known schema', [{ a: 1 }]],
    ['an Event Grid event outside an array', { eventType: 'x', id: '1', subject: 's', eventTime: 't', data: {}, dataVersion: '1' }],
  ])('refuses %s with a reason', async (_name, body) => {
    const result = await parseDelivery(body, undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(10);
  });

  it('finds the validation code of the handshake in both schemas', () => {
    expect(validationCodeOf(readFixture(EVENT_FIXTURES.subscriptionValidation))).toBe('512d38b6-c7b8-40c8-89fe-f46f9e9622b6');
    expect(validationCodeOf({ type: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc' } })).toBe('abc');
    expect(validationCodeOf(readFixture(EVENT_FIXTURES.pecProxyEventGrid))).toBeUndefined();
  });
});

describe('parseJsonSafely', () => {
  it('refuses deeply nested JSON without recursing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonDepth(deep)).toBe(100_000);
    const result = parseJsonSafely(deep);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/nested 100000 levels/u);
  });

  it('ignores brackets inside strings', () => {
    expect(jsonDepth(JSON.stringify({ a: '[[[[{{{{', b: ['\\"[['] }))).toBe(2);
    expect(parseJsonSafely('{"a": "[[[[[["}')).toEqual({ ok: true, value: { a: '[[[[[[' } });
  });

  it('reports syntax errors', () => {
    const result = parseJsonSafely('{"a": ');
    expect(result.ok).toBe(false);
  });
});
