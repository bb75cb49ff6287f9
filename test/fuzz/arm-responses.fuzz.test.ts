/**
 * Fuzzing (issue 7) of what ARM answers: missing fields, wrong types, unknown states, odd statuses
 * and headers, served by a local node:http server to the real ARM client (so undici, JSON parsing,
 * paging, polling and error mapping are all in the loop), and fuzzed listings fed to
 * reconcileTarget. Nothing may throw anything but a typed LinkgateError, nothing may hang, and no
 * connection may be written that is not Pending with a decision to write.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmClient } from '../../src/arm/arm-client.js';
import type { ArmClient, ArmConnection } from '../../src/arm/types.js';
import { LinkgateError } from '../../src/errors/linkgate-error.js';
import { parseArmId } from '../../src/ids/arm-id.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { createInvocationCaches } from '../../src/pipeline/invocation-caches.js';
import { reconcileTarget } from '../../src/pipeline/reconcile-target.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { connectionFacts } from '../../src/policy/connection-facts.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';
import { FUZZ_RUNS } from './fuzz-runs.js';
import { setPath } from './set-path.js';

const SUB = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
const TARGET = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/api';
const CONNECTION = `${TARGET}/privateEndpointConnections/c1`;
const ENDPOINT = `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Network/privateEndpoints/pe`;

const goodConnection = (): Record<string, unknown> => ({
  id: CONNECTION,
  name: 'c1',
  etag: 'W/"1"',
  properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status: 'Pending', description: 'x', actionsRequired: 'None' }, provisioningState: 'Succeeded' },
});
const CONNECTION_FIELDS = ['id', 'name', 'etag', 'properties', 'properties.privateEndpoint', 'properties.privateEndpoint.id', 'properties.privateLinkServiceConnectionState', 'properties.privateLinkServiceConnectionState.status', 'properties.provisioningState'];
const ODD = fc.oneof(fc.anything(), fc.constantFrom('Pending', 'pending', 'PENDING', 'Approved', 'Rejected', 'Disconnected', 'Unknown', 'Updating', 'Failed', '', null, 42, [], {}, CONNECTION, `${TARGET}/../x`, 'https://evil.example/x'));

const fuzzedConnection = fc.array(fc.tuple(fc.constantFrom(...CONNECTION_FIELDS), ODD), { maxLength: 3 }).map((edits) => {
  const c = goodConnection();
  for (const [path, value] of edits) setPath(c, path, value);
  return c;
});

/** One answer the fake ARM gives: status, headers, and a body that is JSON, junk JSON or not JSON. */
const answer = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 409, 412, 429, 500, 503),
  headers: fc.record(
    {
      'retry-after': fc.constantFrom('0', '1', '-1', 'soon', '99999999', 'Wed, 21 Oct 2015 07:28:00 GMT'),
      'azure-asyncoperation': fc.constantFrom('/op/1?api-version=2024-05-01', 'https://evil.example/op', 'not a url', ''),
      location: fc.constantFrom('/op/2', 'https://evil.example/op', ''),
      'x-ms-ratelimit-remaining-subscription-reads': fc.constantFrom('0', '-5', 'NaN', '100'),
    },
    { requiredKeys: [] },
  ),
  body: fc.oneof(
    fuzzedConnection,
    fc.record({ value: fc.array(fc.oneof(fuzzedConnection, fc.anything()), { maxLength: 4 }), nextLink: fc.option(fc.constantFrom('/next?x=1', 'https://evil.example/next', 42), { nil: undefined }) }, { requiredKeys: ['value'] }),
    fc.record({ status: ODD, error: fc.option(fc.record({ code: ODD, message: ODD }), { nil: undefined }) }),
    fc.anything(),
    fc.constantFrom('not json', '', '{"truncated":'),
  ),
});

let server: Server;
let url = '';
let script: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    // Bounded: once the script runs out, 404s end every loop (paging, polling) quickly.
    const next = script.shift() ?? { status: 404, headers: {}, body: { error: { code: 'NotFound', message: 'end of script' } } };
    const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body) ?? '';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(next.headers)) if (v !== '') headers[k] = v;
    if (next.status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(next.status, headers);
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(): ArmClient {
  return createArmClient({ endpoint: url, credential: { token: 'fuzz-token' }, logger: silentLogger(), maxAttempts: 2, timeoutMs: 2000, sleep: async () => {}, pollIntervalMs: 0, maxPolls: 3, maxPages: 5, pacing: false });
}

/** Either a value or a typed LinkgateError: anything else (TypeError, RangeError) is a crash. */
async function settles(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof LinkgateError)) throw new Error(`untyped failure: ${String(error)}`, { cause: error });
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.message).not.toContain('fuzz-token');
  }
}

describe('fuzz: ARM responses through the ARM client', () => {
  it('every call settles with a value or a typed error, never with a crash', async () => {
    const arm = client();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 6 }), fc.constantFrom('list', 'get', 'endpoint', 'write', 'tenant'), async (answers, operation) => {
          script = answers.map((a) => ({ ...a, headers: a.headers as Record<string, string> }));
          await settles(async () => {
            switch (operation) {
              case 'list':
                return arm.listConnections(TARGET);
              case 'get':
                return arm.getConnection(CONNECTION);
              case 'endpoint':
                return arm.getPrivateEndpoint(ENDPOINT);
              case 'write':
                return arm.setConnectionStatus({ connection: goodConnection() as ArmConnection, status: 'Approved', description: 'fuzz' });
              default:
                return arm.homeTenantOf(SUB);
            }
          });
          script = [];
        }),
        { numRuns: Math.max(50, Math.floor(FUZZ_RUNS / 3)) },
      );
    } finally {
      await arm.close();
    }
  });
});

describe('fuzz: listings through reconcileTarget', () => {
  const policies = compilePolicies({ revision: 'fuzz', policies: [{ file: 'p.json', document: { name: 'p', targets: [TARGET], autoApproval: [SUB], otherwise: 'reject' } }] });
  const parsed = parseArmId(TARGET);
  if (!parsed.ok) throw new Error(parsed.error);
  const target = parsed.id;

  it('never throws, and writes only connections that are Pending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fuzzedConnection, fc.anything()), { maxLength: 5 }), fc.anything(), async (listing, endpointBody) => {
        const writes: ArmConnection[] = [];
        const connections = listing.filter((c): c is ArmConnection => typeof c === 'object' && c !== null && typeof (c as { id?: unknown }).id === 'string');
        const arm: ArmClient = {
          listConnections: async () => connections,
          getConnection: async (id) => connections.find((c) => c.id === id),
          getPrivateEndpoint: async () => (typeof endpointBody === 'object' && endpointBody !== null && !Array.isArray(endpointBody) ? { readable: true, endpoint: endpointBody as Record<string, unknown> } : { readable: false, httpStatus: 403, reason: 'fuzz' }),
          getNetworkInterface: async () => ({ readable: false, httpStatus: 403, reason: 'fuzz' }),
          setConnectionStatus: async (request) => {
            writes.push(request.connection);
            return { connection: { ...request.connection, properties: { ...request.connection.properties, privateLinkServiceConnectionState: { status: request.status } } }, httpStatus: 200, outcome: { kind: 'succeeded' } };
          },
          homeTenantOf: async () => undefined,
          queryResourceGraph: async function* () {},
          close: async () => {},
        };
        const outcome = await reconcileTarget(target, { type: 'cli' }, { arm, store: createMemoryAuditStore(), policies, logger: silentLogger(), caches: createInvocationCaches(), dryRun: false, leaseMs: 1000, now: () => new Date(), newId: () => Math.random().toString(36) });
        expect(typeof outcome.transient).toBe('boolean');
        for (const written of writes) expect(connectionFacts(written).isPending).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
