import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapEventToHint, targetsNamedByEndpoint } from '../../src/intake/map-event-to-targets.js';
import { parseDelivery } from '../../src/intake/parse-delivery.js';
import { parseJsonSafely } from '../../src/intake/parse-json-safely.js';
import { parseArmId, targetOfConnectionId } from '../../src/ids/arm-id.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';
import { FUZZ_RUNS } from './fuzz-runs.js';
import { setPath } from './set-path.js';

const governsAll = (): boolean => true;

/** Real events with arbitrary values spliced in at arbitrary places: closer to the bugs that matter than pure noise. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(
      ...readFixture<unknown[]>(EVENT_FIXTURES.pecProxyEventGrid),
      ...readFixture<unknown[]>(EVENT_FIXTURES.privateEndpointEventGrid),
      readFixture(EVENT_FIXTURES.pecProxyCloudEvent),
      readFixture(EVENT_FIXTURES.resourceNotificationPls),
    ),
    fc.array(fc.tuple(fc.constantFrom('id', 'data', 'eventType', 'type', 'specversion', 'subject', 'eventTime', 'time', 'data.resourceUri', 'data.operationName', 'data.resourceInfo', 'data.resourceInfo.id'), fc.anything()), { maxLength: 4 }),
  )
  .map(([event, edits]) => {
    const copy = structuredClone(event) as Record<string, unknown>;
    for (const [path, value] of edits) setPath(copy, path, value);
    return copy;
  });

describe('fuzz: intake', () => {
  it('parseDelivery and mapEventToHint never throw and always answer with a typed result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.array(mutatedEvent, { maxLength: 5 }), mutatedEvent), fc.option(fc.constantFrom('application/json', 'application/cloudevents+json', 'text/plain')), async (body, contentType) => {
        const result = await parseDelivery(body, contentType ?? undefined);
        if (!result.ok) {
          expect(typeof result.error).toBe('string');
          return;
        }
        for (const event of result.delivery.events) {
          const hint = mapEventToHint(event, governsAll);
          expect(['target', 'endpoint', 'ignored']).toContain(hint.kind);
          if (hint.kind === 'target') expect(hint.target.text.startsWith('/subscriptions/')).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('parseJsonSafely is total over arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const result = parseJsonSafely(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('ARM ID parsing is total, and what it accepts is safe to put in a URL path', () => {
    const segment = fc.oneof(fc.string(), fc.constantFrom('..', '.', '%2F', 'a?b', 'a#b', 'subscriptions', 'providers', 'Microsoft.Network', 'privateEndpointConnections', '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11'));
    const id = fc.array(segment, { maxLength: 10 }).map((parts) => '/' + parts.join('/'));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), id), (input) => {
        for (const result of [parseArmId(input), targetOfConnectionId(input)]) {
          if (!result.ok) continue;
          expect(result.id.text).not.toMatch(/[?#%\\\s]|\/\.\.?(\/|$)|\/\//u);
          expect(result.id.key).toBe(result.id.text.toLowerCase());
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('targetsNamedByEndpoint is total over arbitrary endpoints', () => {
    fc.assert(
      fc.property(fc.anything(), (endpoint) => {
        expect(Array.isArray(targetsNamedByEndpoint(endpoint))).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
