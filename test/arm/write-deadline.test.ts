/**
 * One write never takes longer than the worst case computed from the client's limits
 * (client-limits.ts `writeWorstCaseMs`), whatever ARM answers: endless polling, Retry-After on
 * every poll, 429 and 5xx storms, Key Vault's self-polling, AOSM's confirming listing, a pacing
 * queue longer than the deadline. ARM is faked by an injected undici dispatcher (MockAgent) that
 * charges every request its full timeout on a virtual clock, the worst a request can cost; sleeps
 * move the same clock. No wall time is waited for or asserted on.
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createArmClient, type ArmClientOptions } from '../../src/arm/arm-client.js';
import { resolveClientLimits, writeLimitsOf, writeWorstCaseMs } from '../../src/arm/client-limits.js';
import { lookupResourceType } from '../../src/arm/resource-types.js';
import type { ArmClient, ArmConnection, SetStatusResult } from '../../src/arm/types.js';
import { writeOutcomeOfError } from '../../src/arm/write-outcome.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { steppingClock } from '../support/virtual-clock.js';

const ORIGIN = 'https://arm.test';
const SUB = '11111111-1111-1111-1111-111111111111';
const RG = `/subscriptions/${SUB}/resourceGroups/rg1`;
const ENDPOINT = `/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Network/privateEndpoints/pe1`;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

type Route = (method: string, path: string, n: number) => Answer;

const agents: MockAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

interface World {
  client: ArmClient;
  requests: string[];
  /** Virtual ms since the client was made. */
  elapsed(): number;
  worstCaseMs: number;
}

function world(route: Route, options: Partial<ArmClientOptions> = {}): World {
  const clock = steppingClock(1_700_000_000_000);
  const start = clock.now();
  const { timeoutMs, maxAttempts, maxDelayMs, maxRetryAfterMs, pollIntervalMs, maxPolls, writeDeadlineMs } = options;
  const limits = resolveClientLimits({ timeoutMs, maxAttempts, maxDelayMs, maxRetryAfterMs, pollIntervalMs, maxPolls, writeDeadlineMs });
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const requests: string[] = [];
  const counts = new Map<string, number>();
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: () => true })
    .reply((request) => {
      // Every answer comes at the end of the request's full timeout: the slowest a request can be.
      clock.advance(limits.timeoutMs);
      const path = new URL(request.path, ORIGIN).pathname;
      const key = `${request.method} ${path}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      requests.push(key);
      const answer = route(request.method, path, n);
      return {
        statusCode: answer.status,
        data: answer.body === undefined ? '' : JSON.stringify(answer.body),
        responseOptions: { headers: { 'content-type': 'application/json', 'x-ms-request-id': `req-${requests.length}`, ...answer.headers } },
      };
    })
    .persist();
  const client = createArmClient({
    endpoint: ORIGIN,
    credential: { token: 'test-token' },
    logger: silentLogger(),
    dispatcher: agent,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 1,
    ...options,
  });
  return { client, requests, elapsed: () => clock.now() - start, worstCaseMs: writeWorstCaseMs(writeLimitsOf(limits)) };
}

function pending(id: string, etag?: string): ArmConnection {
  return {
    id,
    ...(etag === undefined ? {} : { etag }),
    properties: { privateEndpoint: { id: ENDPOINT }, privateLinkServiceConnectionState: { status: 'Pending', description: '' } },
  };
}

const apiVersion = (type: string): string => lookupResourceType(type)?.apiVersion ?? '';

async function write(w: World, connection: ArmConnection): Promise<SetStatusResult | { thrown: unknown }> {
  return w.client.setConnectionStatus({ connection, status: 'Approved', description: 'ok' }).catch((thrown: unknown) => ({ thrown }));
}

describe("a write's worst case", () => {
  it('an operation that never ends, with a long Retry-After on every poll: in progress within the worst case', async () => {
    const account = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/acc1`;
    const op = `/subscriptions/${SUB}/providers/Microsoft.DocumentDB/locations/eastus/operationsStatus/op1`;
    const w = world((method, path) => {
      if (method === 'PUT') return { status: 202, headers: { 'azure-asyncoperation': `${ORIGIN}${op}?api-version=${apiVersion('Microsoft.DocumentDB/databaseAccounts')}`, 'retry-after': '20' } };
      if (path === op) return { status: 200, body: { status: 'Dequeued' }, headers: { 'retry-after': '20' } };
      return { status: 200, body: pending(`${account}/privateEndpointConnections/pec1`) };
    });
    const result = await write(w, pending(`${account}/privateEndpointConnections/pec1`, 'W/"1"'));
    expect(result).toMatchObject({ httpStatus: 202, outcome: { kind: 'in-progress', reason: expect.stringMatching(/the write's deadline came before poll \d+ of .*op1/u) as unknown } });
    expect(w.worstCaseMs).toBe(240_000);
    expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
    // It polled until the deadline left no room for another poll, not just once.
    expect(w.requests.filter((r) => r.endsWith('/op1')).length).toBeGreaterThan(3);
  });

  it('polls answered 429 and 503 with Retry-After, forever: in progress (the write was accepted), never failed, within the worst case', async () => {
    const account = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/acc1`;
    const op = `/subscriptions/${SUB}/providers/Microsoft.DocumentDB/locations/eastus/operationsStatus/op2`;
    const w = world((method, path, n) => {
      if (method === 'PUT') return { status: 202, headers: { 'azure-asyncoperation': `${ORIGIN}${op}` } };
      if (path === op) return { status: n % 2 === 0 ? 503 : 429, body: { error: { code: 'Busy', message: 'busy' } }, headers: { 'retry-after': '45' } };
      return { status: 500, body: { error: { code: 'InternalServerError', message: 'down' } } };
    });
    const result = await write(w, pending(`${account}/privateEndpointConnections/pec1`, 'W/"1"'));
    expect(result).toMatchObject({ httpStatus: 202, outcome: { kind: 'in-progress' } });
    expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
  });

  it("Key Vault's self-polling (the operation URL is the connection, provisioningState Updating forever): in progress within the worst case", async () => {
    const vault = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
    const id = `${vault}/privateEndpointConnections/pec1`;
    const updating = { ...pending(id), properties: { ...pending(id).properties, provisioningState: 'Updating', privateLinkServiceConnectionState: { status: 'Approved' } } };
    const w = world((method) => {
      if (method === 'PUT') return { status: 200, body: updating, headers: { 'azure-asyncoperation': `${ORIGIN}${id}?api-version=${apiVersion('Microsoft.KeyVault/vaults')}` } };
      return { status: 200, body: updating };
    }, { pollIntervalMs: 1_000 });
    const result = await write(w, pending(id, 'W/"1"'));
    expect(result).toMatchObject({ outcome: { kind: 'in-progress', reason: expect.stringMatching(/deadline/u) as unknown } });
    expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
  });

  it("AOSM's confirming listing itself never ends: in progress within the worst case", async () => {
    const store = `${RG}/providers/Microsoft.HybridNetwork/publishers/pub1/artifactStores/store1`;
    const op = `/subscriptions/${SUB}/providers/Microsoft.HybridNetwork/locations/eastus/operationResults/list1`;
    const w = world((method, path) => {
      if (path.endsWith('/approveprivateendpoints')) return { status: 200 };
      if (path.endsWith('/listPrivateEndPoints')) return { status: 202, headers: { location: `${ORIGIN}${op}`, 'retry-after': '10' } };
      return { status: 202, headers: { 'retry-after': '10' } };
    });
    const result = await write(w, { id: `${store}/privateEndpointConnections/pe1`, properties: { privateEndpoint: { id: ENDPOINT } } });
    expect(result).toMatchObject({ httpStatus: 200, outcome: { kind: 'in-progress' } });
    expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
  });

  it('the write itself throttled or failing on every attempt: the error is thrown (never accepted) within the worst case', async () => {
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    for (const answer of [{ status: 429, headers: { 'retry-after': '59' } }, { status: 503 }] satisfies Answer[]) {
      const w = world(() => ({ ...answer, body: { error: { code: 'Throttled', message: 'no' } } }), { timeoutMs: 60_000, writeDeadlineMs: 200_000 });
      const result = await write(w, pending(`${account}/privateEndpointConnections/pec1`));
      expect('thrown' in result && writeOutcomeOfError(result.thrown)).toMatchObject({ kind: 'not-landed', httpStatus: answer.status, transient: true });
      expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
    }
  });

  it('a pacing queue longer than the deadline: nothing is sent, the write fails as transient at once', async () => {
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`;
    const w = world(() => ({ status: 200, body: { ...pending(`${account}/privateEndpointConnections/pec1`), properties: { privateLinkServiceConnectionState: { status: 'Approved' } } } }), {
      buckets: { writes: { burst: 1, perSecond: 0.001 } },
    });
    expect(await write(w, pending(`${account}/privateEndpointConnections/pec1`))).toMatchObject({ outcome: { kind: 'succeeded' } });
    const sent = w.requests.length;
    const before = w.elapsed();
    const second = await write(w, pending(`${account}/privateEndpointConnections/pec2`));
    expect('thrown' in second && second.thrown).toMatchObject({ code: 'WriteDeadline', transient: true });
    expect(w.requests).toHaveLength(sent);
    expect(w.elapsed()).toBe(before);
  });

  it('small limits whose sum comes before the deadline: the write stays within that sum, and ends in progress when its polls run out', async () => {
    const account = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/acc1`;
    const op = `/subscriptions/${SUB}/providers/Microsoft.DocumentDB/locations/eastus/operationsStatus/op3`;
    const w = world((method, path, n) => {
      if (method === 'PUT') return n < 3 ? { status: 500 } : { status: 202, headers: { 'azure-asyncoperation': `${ORIGIN}${op}`, 'retry-after': '1' } };
      if (path === op) return n % 3 === 0 ? { status: 200, body: { status: 'InProgress' }, headers: { 'retry-after': '2' } } : { status: 503 };
      return { status: 503 };
    }, { timeoutMs: 1_000, maxAttempts: 3, maxDelayMs: 200, maxRetryAfterMs: 2_000, maxPolls: 4, pollIntervalMs: 500 });
    const result = await write(w, pending(`${account}/privateEndpointConnections/pec1`, 'W/"1"'));
    expect(w.worstCaseMs).toBeLessThan(240_000);
    expect(result).toMatchObject({ outcome: { kind: 'in-progress' } });
    expect(w.elapsed()).toBeLessThanOrEqual(w.worstCaseMs);
  });
});
