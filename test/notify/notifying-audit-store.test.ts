import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.js';
import type { Notifier } from '../../src/notify/create-notifier.js';
import { notifyingAuditStore } from '../../src/notify/notifying-audit-store.js';
import { makeIntent, makeRecord } from '../audit/audit-store.contract.js';
import { createMemoryAuditStore } from '../support/memory-audit-store.js';

function recordingNotifier(): Notifier & { seen: AuditRecord[] } {
  const seen: AuditRecord[] = [];
  return { seen, notify: (record) => void seen.push(record), drain: async () => {}, stats: () => ({ sent: 0, failed: 0, dropped: 0, failedAttempts: 0 }) };
}

describe('notifyingAuditStore', () => {
  it('notifies once per record appendOnce wrote, never for the duplicates it refused', async () => {
    const notifier = recordingNotifier();
    const store = notifyingAuditStore(createMemoryAuditStore(), notifier);
    const manual = makeRecord({ decision: 'manual', action: { status: 'skipped' } });
    expect(await store.appendOnce(manual)).toBe(true);
    expect(await store.appendOnce({ ...manual, id: 'a-redelivery' })).toBe(false);
    expect(await store.appendOnce({ ...manual, id: 'another-worker' })).toBe(false);
    expect(notifier.seen.map((r) => r.id)).toEqual([manual.id]);
  });

  it('notifies a claimed decision on its final outcome only', async () => {
    const notifier = recordingNotifier();
    const store = notifyingAuditStore(createMemoryAuditStore(), notifier);
    const intent = makeIntent();
    expect((await store.claim(intent)).claimed).toBe(true);
    expect(notifier.seen).toEqual([]);
    await store.complete({ ...intent, action: { status: 'pending', error: 'HTTP 429' } });
    await store.complete({ ...intent, action: { status: 'superseded' } });
    expect(notifier.seen).toEqual([]);
    await store.complete({ ...intent, action: { status: 'succeeded', httpStatus: 200 } });
    await store.complete({ ...intent, action: { status: 'failed', error: 'refused' } });
    expect(notifier.seen.map((r) => r.action.status)).toEqual(['succeeded', 'failed']);
  });

  it('does not notify when the store failed to write', async () => {
    const notifier = recordingNotifier();
    const memory = createMemoryAuditStore();
    memory.unavailable = new Error('store down');
    const store = notifyingAuditStore(memory, notifier);
    await expect(store.appendOnce(makeRecord({ decision: 'manual' }))).rejects.toThrow('store down');
    await expect(store.complete(makeRecord({ action: { status: 'succeeded' } }))).rejects.toThrow('store down');
    expect(notifier.seen).toEqual([]);
  });

  it('passes reads through', async () => {
    const store = notifyingAuditStore(createMemoryAuditStore(), recordingNotifier());
    const record = makeRecord();
    await store.append(record);
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.findByKey(record.idempotencyKey)).toEqual([record]);
  });
});
