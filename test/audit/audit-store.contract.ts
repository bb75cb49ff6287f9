/**
 * The AuditStore contract (src/audit/types.ts), run against every store: the JSON Lines file
 * store and the Table Storage store on Azurite. A store passes only if it keeps the exactly-once
 * protocol: one claimer per idempotency key, one taker per expired lease, complete records.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord, AuditStore } from '../../src/audit/types.js';
import { collectAsync } from '../../src/util/collect-async.js';

export interface StoreHarness {
  /** A fresh, empty store. */
  open(): Promise<AuditStore>;
  /** Opens the same backing data again (as a restarted process would). */
  reopen(): Promise<AuditStore>;
  cleanup?(): Promise<void>;
}

const SUB = '11111111-1111-1111-1111-111111111111';
const CONSUMER = '22222222-2222-2222-2222-222222222222';
export const TARGET = `/subscriptions/${SUB}/resourceGroups/rg-Pay/providers/Microsoft.Network/privateLinkServices/PLS-One`;
export const OTHER_TARGET = `/subscriptions/${SUB}/resourceGroups/rg-Pay/providers/Microsoft.Network/privateLinkServices/pls-two`;

let counter = 0;

export function makeRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  counter++;
  const target = overrides.target ?? TARGET;
  const connectionId = overrides.connectionId ?? `${target}/privateEndpointConnections/conn-${counter}`;
  return {
    id: `rec-${counter}-${Math.random().toString(16).slice(2, 10)}`,
    time: '2024-05-01T10:00:00.000Z',
    trigger: { type: 'event', eventId: `evt-${counter}`, eventType: 'Microsoft.Resources.ResourceWriteSuccess' },
    target,
    connectionId,
    privateEndpointId: `/subscriptions/${CONSUMER}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/pe-${counter}`,
    consumerSubscriptionId: CONSUMER,
    requestMessage: 'CHG000123 please',
    previousStatus: 'Pending',
    decision: 'approve',
    enforced: true,
    policy: 'payments-pls',
    reasons: ['consumer subscription is in autoApproval'],
    shadow: [],
    policyRevision: 'sha256:abc',
    action: { status: 'skipped' },
    durationMs: 3,
    idempotencyKey: `${connectionId.toLowerCase()}|W/"etag-1"`,
    kind: 'decision',
    ...overrides,
  };
}

/** An intent as the pipeline claims it: pending, with a lease. */
export function makeIntent(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return makeRecord({ action: { status: 'pending' }, leaseUntil: '2024-05-01T10:02:00.000Z', ...overrides });
}


export function auditStoreContract(name: string, harness: StoreHarness): void {
  describe(`AuditStore contract: ${name}`, () => {
    let store: AuditStore;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    it('claims a key once; a second claim gets the owner record', async () => {
      const first = makeIntent();
      const second = makeIntent({ idempotencyKey: first.idempotencyKey, connectionId: first.connectionId });
      const a = await store.claim(first);
      const b = await store.claim(second);
      expect(a).toEqual({ claimed: true, record: first });
      expect(b.claimed).toBe(false);
      if (!b.claimed) expect(b.existing).toEqual(first);
      expect(await store.get(second.id)).toBeUndefined();
    });

    it('lets exactly one of 20 concurrent claims for the same key win', async () => {
      const key = makeIntent().idempotencyKey;
      const intents = Array.from({ length: 20 }, () => makeIntent({ idempotencyKey: key }));
      const results = await Promise.all(intents.map((intent) => store.claim(intent)));
      const winners = results.filter((r) => r.claimed);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0]?.claimed === true ? winners[0].record.id : undefined;
      for (const r of results) if (!r.claimed) expect(r.existing.id).toBe(winnerId);
      expect((await store.findByKey(key)).map((r) => r.id)).toEqual([winnerId]);
    });

    it('lets exactly one of 10 concurrent takeovers of an expired claim win', async () => {
      const intent = makeIntent({ leaseUntil: '2024-05-01T10:00:30.000Z' });
      await store.claim(intent);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.takeOver(intent, new Date(Date.UTC(2024, 4, 1, 11, 0, i)))));
      const taken = results.filter((r) => r.taken);
      expect(taken).toHaveLength(1);
      const record = taken[0]?.taken === true ? taken[0].record : undefined;
      expect(record?.id).toBe(intent.id);
      expect(record?.leaseUntil).not.toBe(intent.leaseUntil);
      expect((await store.get(intent.id))?.leaseUntil).toBe(record?.leaseUntil);
      // The stale copy cannot take it again.
      expect(await store.takeOver(intent, new Date('2024-05-01T12:00:00.000Z'))).toEqual({ taken: false });
    });

    it('refuses to take over a completed record or one it does not know', async () => {
      const intent = makeIntent();
      await store.claim(intent);
      await store.complete({ ...intent, action: { status: 'succeeded', httpStatus: 200 } });
      expect(await store.takeOver(intent, new Date('2024-05-01T12:00:00.000Z'))).toEqual({ taken: false });
      expect(await store.takeOver(makeIntent(), new Date('2024-05-01T12:00:00.000Z'))).toEqual({ taken: false });
    });

    it('completes a claimed record in place', async () => {
      const intent = makeIntent();
      await store.claim(intent);
      const done: AuditRecord = { ...intent, action: { status: 'succeeded', httpStatus: 202, armRequestId: 'req-1' }, durationMs: 42 };
      await store.complete(done);
      expect(await store.get(intent.id)).toEqual(done);
      expect(await store.findByKey(intent.idempotencyKey)).toEqual([done]);
      expect(await store.incomplete(intent.target.toLowerCase())).toEqual([]);
    });

    it('appends records that claim nothing: a later claim of the same key still wins', async () => {
      const dryRun = makeRecord({ enforced: false });
      await store.append(dryRun);
      expect(await store.get(dryRun.id)).toEqual(dryRun);
      const intent = makeIntent({ idempotencyKey: dryRun.idempotencyKey, connectionId: dryRun.connectionId, time: '2024-05-01T10:05:00.000Z' });
      expect((await store.claim(intent)).claimed).toBe(true);
      expect((await store.findByKey(dryRun.idempotencyKey)).map((r) => r.id)).toEqual([dryRun.id, intent.id]);
      expect((await store.incomplete(TARGET.toLowerCase())).map((r) => r.id)).toEqual([intent.id]);
    });

    it('returns the records of a key oldest first, and only those', async () => {
      const base = makeRecord();
      const key = base.idempotencyKey;
      const late = makeRecord({ idempotencyKey: key, time: '2024-05-01T12:00:00.000Z' });
      const early = makeRecord({ idempotencyKey: key, time: '2024-05-01T08:00:00.000Z' });
      const middle = makeIntent({ idempotencyKey: key, time: '2024-05-01T10:00:00.000Z' });
      await store.append(late);
      await store.append(early);
      await store.claim(middle);
      await store.append(makeRecord());
      expect((await store.findByKey(key)).map((r) => r.id)).toEqual([early.id, middle.id, late.id]);
      expect(await store.findByKey('/subscriptions/none|"x"')).toEqual([]);
    });

    it('lists incomplete claims of a target case-insensitively, and nothing else', async () => {
      const pending = makeIntent();
      const released = makeIntent();
      const finished = makeIntent();
      const elsewhere = makeIntent({ target: OTHER_TARGET });
      for (const r of [pending, released, finished, elsewhere]) expect((await store.claim(r)).claimed).toBe(true);
      await store.append(makeRecord({ action: { status: 'skipped' } }));
      // A transient ARM failure releases the claim but leaves it pending: still incomplete.
      await store.complete({ ...released, leaseUntil: '2024-05-01T10:00:05.000Z', action: { status: 'pending', error: 'HTTP 503' } });
      await store.complete({ ...finished, action: { status: 'failed', error: 'refused' } });
      const found = await store.incomplete(TARGET.toLowerCase());
      expect(found.map((r) => r.id).sort()).toEqual([pending.id, released.id].sort());
      expect(found.find((r) => r.id === released.id)?.leaseUntil).toBe('2024-05-01T10:00:05.000Z');
      expect((await store.incomplete(TARGET.toUpperCase())).map((r) => r.id).sort()).toEqual([pending.id, released.id].sort());
      expect((await store.incomplete(OTHER_TARGET.toLowerCase())).map((r) => r.id)).toEqual([elsewhere.id]);
      // Without a target: every open claim of every target, for the sweep.
      expect((await store.incomplete()).map((r) => r.id).sort()).toEqual([pending.id, released.id, elsewhere.id].sort());
    });

    it('appendOnce writes one record per equivalence key, even when 20 callers race', async () => {
      const base = makeRecord({ action: { status: 'skipped' }, decision: 'manual' });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendOnce({ ...base, id: `${base.id}-${i}` })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.findByKey(base.idempotencyKey)).toHaveLength(1);
      // Another decision, revision or enforcement is another record.
      expect(await store.appendOnce({ ...base, id: `${base.id}-rev`, policyRevision: 'sha256:other' })).toBe(true);
      expect(await store.appendOnce({ ...base, id: `${base.id}-enf`, enforced: !base.enforced })).toBe(true);
      expect(await store.findByKey(base.idempotencyKey)).toHaveLength(3);
    });

    it('gets a record by id; an unknown id is undefined', async () => {
      const record = makeRecord({ id: 'id/with#odd?chars\\and|pipes' });
      await store.append(record);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.get('no-such-id')).toBeUndefined();
    });

    it('queries newest first with filters and a limit', async () => {
      const records = [
        makeRecord({ time: '2024-05-01T09:00:00.000Z', decision: 'approve', policy: 'payments-pls' }),
        makeRecord({ time: '2024-05-01T11:00:00.000Z', decision: 'reject', policy: 'payments-pls' }),
        makeRecord({ time: '2024-05-01T10:00:00.000Z', decision: 'manual', policy: 'other' }),
        makeRecord({ time: '2024-05-01T12:00:00.000Z', decision: 'approve', policy: 'other', target: OTHER_TARGET }),
        makeRecord({ time: '2024-05-01T08:00:00.000Z', decision: 'ignore', policy: null }),
      ];
      for (const r of records) await store.append(r);
      const ids = (list: AuditRecord[]): string[] => list.map((r) => r.id);
      const [r0, r1, r2, r3, r4] = records as [AuditRecord, AuditRecord, AuditRecord, AuditRecord, AuditRecord];
      expect(ids(await collectAsync(store.query({})))).toEqual([r3.id, r1.id, r2.id, r0.id, r4.id]);
      expect(ids(await collectAsync(store.query({ decision: 'approve' })))).toEqual([r3.id, r0.id]);
      expect(ids(await collectAsync(store.query({ policy: 'payments-pls' })))).toEqual([r1.id, r0.id]);
      expect(ids(await collectAsync(store.query({ since: new Date('2024-05-01T10:00:00.000Z') })))).toEqual([r3.id, r1.id, r2.id]);
      expect(ids(await collectAsync(store.query({ limit: 2 })))).toEqual([r3.id, r1.id]);
      expect(ids(await collectAsync(store.query({ target: '/subscriptions/*/resourcegroups/RG-PAY/**/pls-two' })))).toEqual([r3.id]);
      expect(ids(await collectAsync(store.query({ target: '/subscriptions/**/privateLinkServices/pls-*', decision: 'approve', limit: 1 })))).toEqual([r3.id]);
      expect(ids(await collectAsync(store.query({ since: new Date('2024-05-01T13:00:00.000Z') })))).toEqual([]);
    });

    it('keeps a record with a 200 KB reason and non-BMP text whole', async () => {
      // Emoji are surrogate pairs: a naive chunker would cut one in two at a chunk boundary.
      const long = Array.from({ length: 200_000 / 4 }, (_, i) => (i % 7 === 0 ? '😀🔒' : 'abcd')).join('');
      const record = makeRecord({ reasons: ['short', long], shadow: [{ policy: 'shadow', decision: 'reject', reasons: [long.slice(0, 70_001)] }] });
      await store.append(record);
      const back = await store.get(record.id);
      expect(back?.reasons[1]).toBe(long);
      expect(back).toEqual(record);
    });

    it('keeps everything across a reopen, claims included', async () => {
      const intent = makeIntent();
      const appended = makeRecord();
      await store.claim(intent);
      await store.append(appended);
      await store.close();
      store = await harness.reopen();
      expect(await store.get(appended.id)).toEqual(appended);
      expect((await store.claim(makeIntent({ idempotencyKey: intent.idempotencyKey }))).claimed).toBe(false);
      expect((await store.incomplete(intent.target.toLowerCase())).map((r) => r.id)).toEqual([intent.id]);
    });
  });
}
