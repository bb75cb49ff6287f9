import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.js';
import { notificationFor, notifyKindOf } from '../../src/notify/notification-for-record.js';
import { DEFAULT_NOTIFY_ON, NOTIFY_KINDS } from '../../src/notify/notify-settings.js';
import { makeRecord } from '../audit/audit-store.contract.js';

const manual = (): AuditRecord => makeRecord({ decision: 'manual', policy: 'payments-pls', action: { status: 'skipped' } });

describe('notifyKindOf', () => {
  it('maps each finished record to its event type', () => {
    expect(notifyKindOf(manual())?.type).toBe('Linkgate.ManualReviewRequired');
    expect(notifyKindOf(makeRecord({ decision: 'approve', action: { status: 'succeeded', httpStatus: 200 } }))?.type).toBe('Linkgate.ConnectionApproved');
    expect(notifyKindOf(makeRecord({ decision: 'reject', action: { status: 'succeeded', httpStatus: 200 } }))?.type).toBe('Linkgate.ConnectionRejected');
    expect(notifyKindOf(makeRecord({ decision: 'reject', kind: 'drift', action: { status: 'skipped' } }))?.type).toBe('Linkgate.DriftFound');
    expect(notifyKindOf(makeRecord({ decision: 'approve', action: { status: 'failed', error: 'ARM refused' } }))?.type).toBe('Linkgate.DecisionFailed');
    expect(notifyKindOf(makeRecord({ decision: 'approve', trigger: { type: 'observed' }, enforced: false, action: { status: 'skipped' } }))?.type).toBe('Linkgate.ConnectionApproved');
  });

  it('raises nothing for intents, superseded writes, dry runs, audit mode and ignores', () => {
    expect(notifyKindOf(makeRecord({ decision: 'approve', action: { status: 'pending' } }))).toBeUndefined();
    expect(notifyKindOf(makeRecord({ decision: 'approve', action: { status: 'superseded' } }))).toBeUndefined();
    expect(notifyKindOf(makeRecord({ decision: 'approve', enforced: false, action: { status: 'skipped' } }))).toBeUndefined();
    expect(notifyKindOf(makeRecord({ decision: 'ignore', policy: null, action: { status: 'skipped' } }))).toBeUndefined();
  });
});

describe('notificationFor', () => {
  it('is a structured CloudEvent whose id is derived from the record', () => {
    const record = { ...manual(), leaseUntil: '2024-05-01T10:15:00.000Z' };
    const event = notificationFor(record, DEFAULT_NOTIFY_ON);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'Linkgate.ManualReviewRequired',
      source: 'linkgate',
      id: `${record.id}.manual`,
      time: record.time,
      subject: record.connectionId,
      datacontenttype: 'application/json',
    });
    expect(event?.data).toMatchObject({ connectionId: record.connectionId, reasons: record.reasons, decision: 'manual' });
    expect(event?.data).not.toHaveProperty('leaseUntil');
    expect(notificationFor(record, DEFAULT_NOTIFY_ON)?.id).toBe(event?.id);
  });

  it('follows LINKGATE_NOTIFY_ON', () => {
    const approved = makeRecord({ decision: 'approve', action: { status: 'succeeded', httpStatus: 200 } });
    expect(notificationFor(approved, DEFAULT_NOTIFY_ON)).toBeUndefined();
    expect(notificationFor(approved, ['approved'])?.type).toBe('Linkgate.ConnectionApproved');
    expect(notificationFor(manual(), ['approved', 'rejected'])).toBeUndefined();
    expect(NOTIFY_KINDS).toEqual(['manual', 'drift', 'failed', 'approved', 'rejected']);
  });
});
