/**
 * `linkgate serve` end to end (issue 4 and 5 "Done when"): the ARM emulator seeded with a world the
 * example policies govern, the daemon started from the environment a user would set, and every
 * event fixture delivered over HTTP in both schemas, plus the handshakes, duplicates, a batch of 50
 * and forged events. Asserted: the ARM writes the emulator recorded and the audit records, for
 * both audit stores (JSON Lines file, and Table Storage on Azurite), and `linkgate audit list
 * --json` reading back the same decisions.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectionProxyWriteEvent, privateEndpointWriteEvent, resourceCreatedOrUpdatedCloudEvent, resourceWriteSuccessEvent } from '../../src/demo/demo-events.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { resourceTypeOf } from '../../src/arm/resource-types.js';
import {
  BULK_TARGETS,
  CLOUDEVENTS,
  CLOUDEVENTS_BATCH,
  FIXTURE_UNGOVERNED_PLS,
  KEYVAULT_ID,
  PLS_ID,
  STORAGE_ID,
  UNGOVERNED_ENDPOINT,
  UNGOVERNED_STORAGE,
  bulkHubEndpoint,
  outcomeProblems,
  planFor,
  plannedRecords,
  plannedSummary,
  plannedWrites,
  retarget,
  startE2e,
  statusIn,
  type E2eHarness,
  type E2eStore,
} from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

type Json = Record<string, unknown>;

const stores: Array<{ name: string; store: () => E2eStore }> = [
  { name: 'file store', store: () => ({ kind: 'file' }) },
  { name: 'table store (Azurite)', store: () => ({ kind: 'table', connection: inject('azuriteTableConnection') }) },
];

function idsOf(body: unknown): string[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((e) => (e as Json)['id'] as string);
}

/** The resource-notification fixture aimed at the governed Private Link Service (it names one in the data subscription, which no policy governs). */
function governedNotification(): Json {
  return retarget(readFixture<Json>(EVENT_FIXTURES.resourceNotificationPls), FIXTURE_UNGOVERNED_PLS, PLS_ID);
}

interface FixtureCase {
  name: string;
  body: () => unknown;
  contentType: string;
  target: string;
}

const FIXTURE_CASES: FixtureCase[] = [
  { name: 'connection proxy write, Event Grid schema', body: () => readFixture(EVENT_FIXTURES.pecProxyEventGrid), contentType: 'application/json', target: STORAGE_ID },
  { name: 'connection proxy write, CloudEvents 1.0', body: () => readFixture(EVENT_FIXTURES.pecProxyCloudEvent), contentType: CLOUDEVENTS, target: STORAGE_ID },
  { name: 'consumer private endpoint write, Event Grid schema', body: () => readFixture(EVENT_FIXTURES.privateEndpointEventGrid), contentType: 'application/json', target: PLS_ID },
  { name: 'resource notification CreatedOrUpdated, CloudEvents 1.0 (retargeted)', body: governedNotification, contentType: CLOUDEVENTS, target: PLS_ID },
];

describe.each(stores)('linkgate serve against the ARM emulator, $name', ({ store }) => {
  let h: E2eHarness;
  beforeEach(async () => {
    h = await startE2e({ store: store() });
  });
  afterEach(async () => {
    await h.close();
  });

  const problemsFor = async (targets: readonly string[], eventIds: readonly string[]): Promise<string[]> => {
    const records = await h.records();
    return targets.flatMap((target) => outcomeProblems(h.emulator, records, target, { eventIds, policyRevision: h.serve.runtime.policies.revision }));
  };

  it('answers the SubscriptionValidation handshake from the fixture, touching neither ARM nor the audit trail', async () => {
    const body = readFixture<Json[]>(EVENT_FIXTURES.subscriptionValidation);
    const answer = await h.deliver(body, { eventType: 'SubscriptionValidation' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ validationResponse: (body[0]!['data'] as Json)['validationCode'] });
    expect(h.emulator.requests).toHaveLength(0);
    expect(await h.records()).toEqual([]);
  });

  it('answers the CloudEvents OPTIONS abuse-protection handshake', async () => {
    const answer = await h.deliver(undefined, { method: 'OPTIONS', headers: { 'webhook-request-origin': 'eventgrid.azure.net' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['webhook-allowed-origin']).toBe('eventgrid.azure.net');
    expect(h.emulator.requests).toHaveLength(0);
  });

  it.each(FIXTURE_CASES)('reconciles the target the fixture names: $name', async ({ body, contentType, target }) => {
    const delivered = body();
    const answer = await h.deliver(delivered, { contentType });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ events: 1, ignored: 0, targets: 1, errors: 0, malformed: 0, failed: 0, ...plannedSummary([target]) });
    expect(await problemsFor([target], idsOf(delivered))).toEqual([]);
    // Nothing beyond the named target was written or recorded.
    expect(h.emulator.writes()).toBe(plannedWrites([target]));
    expect(await h.records()).toHaveLength(plannedRecords([target]));
    expect(h.emulator.stats().nonPendingWrites).toEqual([]);
    // Every write to a type whose connections carry etags carried the etag it decided on; the
    // others (Storage, here) have none to send.
    const writes = h.emulator.requests.filter((r) => r.operation === 'write');
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      if (resourceTypeOf(write.path.split('/').slice(0, -2).join('/')).etag) expect(write.ifMatch).toMatch(/^W\/"/u);
      else expect(write.ifMatch).toBeUndefined();
    }
  });

  it('writes nothing and records nothing more for duplicate deliveries, in either schema', async () => {
    const first = readFixture(EVENT_FIXTURES.pecProxyEventGrid);
    expect((await h.deliver(first)).status).toBe(200);
    const writes = h.emulator.writes();
    const records = await h.records();
    const fileLines = h.config.audit.kind === 'file' ? await readFile(h.config.audit.path, 'utf8') : undefined;
    expect(writes).toBe(plannedWrites([STORAGE_ID]));

    // Event Grid redelivers the same event; the CloudEvents twin of the same write arrives too.
    const again = await h.deliver(first);
    const twin = await h.deliver(readFixture(EVENT_FIXTURES.pecProxyCloudEvent), { contentType: CLOUDEVENTS });
    expect(again.status).toBe(200);
    expect(twin.status).toBe(200);
    // Manual connections are still Pending and decided again (manual), but nothing is written or recorded.
    expect(again.json).toMatchObject({ approved: 0, rejected: 0, failed: 0, errors: 0 });
    expect(h.emulator.writes()).toBe(writes);
    for (const connection of planFor(STORAGE_ID)) expect(h.emulator.writesTo(connection.id)).toBeLessThanOrEqual(1);
    const after = await h.records();
    expect(after.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    expect(after).toEqual(records);
    if (fileLines !== undefined && h.config.audit.kind === 'file') expect(await readFile(h.config.audit.path, 'utf8')).toBe(fileLines);
  });

  it('handles a batch of 50 events naming 20 targets: each decided write made once, each decision recorded once', async () => {
    const template = readFixture<Json[]>(EVENT_FIXTURES.pecProxyEventGrid)[0]!;
    const batch: Json[] = [];
    BULK_TARGETS.forEach((target) => {
      // The fixture itself, aimed at the bulk storage account.
      batch.push({ ...retarget(template, STORAGE_ID, target), id: randomUUID() });
    });
    BULK_TARGETS.forEach((target, i) => {
      // A direct connection write (…/privateEndpointConnections/write) on the same targets: a duplicate hint.
      const connection = planFor(target).find((c) => c.expected === 'reject')!;
      batch.push(resourceWriteSuccessEvent({ resourceUri: connection.id, operationName: 'Microsoft.Storage/storageAccounts/privateEndpointConnections/write', id: `bulk-conn-${i}` }));
    });
    for (let i = 0; i < 10; i++) batch.push(privateEndpointWriteEvent(bulkHubEndpoint(i), `bulk-pe-${i}`));
    expect(batch).toHaveLength(50);

    const answer = await h.deliver(batch);
    expect(answer.status, answer.text).toBe(200);
    expect(await problemsFor(BULK_TARGETS, idsOf(batch))).toEqual([]);
    expect(answer.json).toMatchObject({ events: 50, ignored: 0, targets: BULK_TARGETS.length, approved: BULK_TARGETS.length, rejected: BULK_TARGETS.length, errors: 0 });
    expect(await problemsFor(BULK_TARGETS, idsOf(batch))).toEqual([]);
    expect(h.emulator.writes()).toBe(plannedWrites(BULK_TARGETS));
    expect(h.emulator.writes()).toBe(2 * BULK_TARGETS.length);
    expect(await h.records()).toHaveLength(plannedRecords(BULK_TARGETS));
    const stats = h.emulator.stats();
    expect(stats.nonPendingWrites).toEqual([]);
    expect(stats.preconditionFailed).toBe(0);

    // The whole batch again (Event Grid retried it): nothing more.
    expect((await h.deliver(batch)).status).toBe(200);
    expect(h.emulator.writes()).toBe(2 * BULK_TARGETS.length);
    expect(await h.records()).toHaveLength(plannedRecords(BULK_TARGETS));
  });

  it('handles a CloudEvents batch naming an enforced storage account, a Private Link Service and an audit-mode key vault', async () => {
    const keyVaultEvent = resourceCreatedOrUpdatedCloudEvent({ id: KEYVAULT_ID, type: 'Microsoft.KeyVault/vaults' });
    const batch = [readFixture<Json>(EVENT_FIXTURES.pecProxyCloudEvent), governedNotification(), keyVaultEvent];
    const targets = [STORAGE_ID, PLS_ID, KEYVAULT_ID];
    const answer = await h.deliver(batch, { contentType: CLOUDEVENTS_BATCH });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ events: 3, targets: 3, errors: 0, ...plannedSummary(targets) });
    expect(await problemsFor(targets, idsOf(batch))).toEqual([]);
    expect(h.emulator.writes()).toBe(plannedWrites(targets));
    // The audit-mode policy wrote nothing to the key vault, but its verdicts are on record.
    for (const connection of planFor(KEYVAULT_ID)) expect(h.emulator.writesTo(connection.id)).toBe(0);
    const shadows = (await h.records()).filter((r) => r.target === KEYVAULT_ID).flatMap((r) => r.shadow.map((s) => s.policy));
    expect(shadows).toEqual(['secrets-audit', 'secrets-audit']);
  });

  it('makes no ARM request at all for forged events naming resources no policy governs', async () => {
    const forged: Array<{ body: unknown; contentType?: string }> = [
      // The resource-notification fixture as it is: its Private Link Service sits in a subscription no policy names.
      { body: readFixture(EVENT_FIXTURES.resourceNotificationPls), contentType: CLOUDEVENTS },
      // The connection-proxy fixtures aimed at a storage account (with a Pending connection) outside every policy.
      { body: retarget(readFixture(EVENT_FIXTURES.pecProxyEventGrid), STORAGE_ID, UNGOVERNED_STORAGE) },
      { body: retarget(readFixture(EVENT_FIXTURES.pecProxyCloudEvent), STORAGE_ID, UNGOVERNED_STORAGE), contentType: CLOUDEVENTS },
      // A governed-looking ID smuggling a path out of the governed resource group.
      { body: [connectionProxyWriteEvent(`${STORAGE_ID}/../../../../resourceGroups/rg-partner/providers/Microsoft.Storage/storageAccounts/partnerdata`, 'x')] },
      // An ID with a query string, and an event type linkgate does not handle.
      { body: [resourceWriteSuccessEvent({ resourceUri: `${STORAGE_ID}/privateEndpointConnectionProxies/x?api-version=1`, operationName: 'Microsoft.Storage/storageAccounts/privateEndpointConnectionProxies/write' })] },
      { body: [{ ...readFixture<Json[]>(EVENT_FIXTURES.pecProxyEventGrid)[0]!, eventType: 'Microsoft.Storage.BlobCreated' }] },
    ];
    for (const { body, contentType } of forged) {
      const before = h.emulator.requests.length;
      const answer = await h.deliver(body, contentType === undefined ? {} : { contentType });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json).toMatchObject({ targets: 0, errors: 0 });
      expect(h.emulator.requests.length, JSON.stringify(body)).toBe(before);
    }
    expect(h.emulator.requests).toHaveLength(0);
    expect(h.emulator.stats().requests).toBe(0);
    expect(await h.records()).toEqual([]);
    expect(statusIn(h.emulator, `${UNGOVERNED_STORAGE}/privateEndpointConnections/pe-partnerdata.c2de7a4b-8d5f-4a0e-9b9c-d3e4f5a6b7cd`)).toBe('Pending');
  });

  it('reads a consumer endpoint once, and nothing else, when the endpoint names no governed target', async () => {
    // An endpoint write names its targets only inside the endpoint (DESIGN §5), so one read is the
    // least linkgate can do; no listing, tenant lookup or write of the ungoverned target follows.
    const answer = await h.deliver([privateEndpointWriteEvent(UNGOVERNED_ENDPOINT)]);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ targets: 0, errors: 0 });
    expect(h.emulator.requests.map((r) => `${r.method} ${r.operation} ${r.path}`)).toEqual([`GET endpoint ${UNGOVERNED_ENDPOINT}`]);
    expect(await h.records()).toEqual([]);
  });

  it('answers a malformed body 400 without reaching ARM or the audit store', async () => {
    const answer = await h.deliver('[{"id": "x", "eventType": ');
    expect(answer.status).toBe(400);
    expect(typeof answer.json?.['error']).toBe('string');
    expect(h.emulator.requests).toHaveLength(0);
    expect(await h.records()).toEqual([]);
  });

  it('`linkgate audit list --json` returns the decisions the daemon recorded', async () => {
    const deliveries = [readFixture(EVENT_FIXTURES.pecProxyEventGrid), readFixture(EVENT_FIXTURES.privateEndpointEventGrid)];
    for (const body of deliveries) expect((await h.deliver(body)).status).toBe(200);
    const stored = await h.records();
    expect(stored).toHaveLength(plannedRecords([STORAGE_ID, PLS_ID]));

    const run = await runCli(['audit', 'list', '--json'], { env: h.env });
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as AuditRecord[];
    const summary = (r: AuditRecord): string => `${r.id} ${r.connectionId} ${r.decision} ${r.policy ?? '-'} ${r.action.status}`;
    expect(listed.map(summary).sort()).toEqual(stored.map(summary).sort());
    const decided = new Map(listed.map((r) => [r.connectionId.toLowerCase(), r.decision]));
    for (const connection of [...planFor(STORAGE_ID), ...planFor(PLS_ID)]) {
      if (connection.expected !== 'untouched') expect(decided.get(connection.id.toLowerCase()), connection.id).toBe(connection.expected);
    }

    const rejects = await runCli(['audit', 'list', '--json', '--decision', 'reject', '--target', STORAGE_ID], { env: h.env });
    expect(rejects.code, rejects.stderr).toBe(0);
    const rejected = (JSON.parse(rejects.stdout) as AuditRecord[]).map((r) => r.connectionId).sort();
    expect(rejected).toEqual(planFor(STORAGE_ID).filter((c) => c.expected === 'reject').map((c) => c.id).sort());
  });
});
