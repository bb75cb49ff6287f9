/**
 * Which CloudEvent (DESIGN §8), if any, an audit record raises: a pure function of the record and
 * LINKGATE_NOTIFY_ON. The event id is derived from the record, so every copy of one record's
 * event carries the same id and receivers can deduplicate on it.
 */
import type { AuditRecord } from '../audit/types.js';
import type { NotifyKind } from './notify-settings.js';

export type LinkgateEventType =
  | 'Linkgate.ManualReviewRequired'
  | 'Linkgate.ConnectionApproved'
  | 'Linkgate.ConnectionRejected'
  | 'Linkgate.DriftFound'
  | 'Linkgate.DecisionFailed';

/** A CloudEvents 1.0 event in structured JSON mode. */
export interface LinkgateCloudEvent {
  specversion: '1.0';
  type: LinkgateEventType;
  source: 'linkgate';
  id: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: Omit<AuditRecord, 'leaseUntil'>;
}

/** The kind of notification a finished record is, or undefined when it raises none. */
export function notifyKindOf(record: AuditRecord): { kind: NotifyKind; type: LinkgateEventType } | undefined {
  if (record.action.status === 'failed') return { kind: 'failed', type: 'Linkgate.DecisionFailed' };
  const observed = record.trigger.type === 'observed';
  const done = record.action.status === 'succeeded' || observed;
  if (done && record.decision === 'approve') return { kind: 'approved', type: 'Linkgate.ConnectionApproved' };
  if (done && record.decision === 'reject') return { kind: 'rejected', type: 'Linkgate.ConnectionRejected' };
  if (record.action.status !== 'skipped') return undefined;
  if (record.kind === 'drift') return { kind: 'drift', type: 'Linkgate.DriftFound' };
  // Only a policy's verdict asks a person; an ungoverned 'manual' cannot occur, but stay exact.
  if (record.decision === 'manual' && record.policy !== null) return { kind: 'manual', type: 'Linkgate.ManualReviewRequired' };
  return undefined;
}

export function notificationFor(record: AuditRecord, on: readonly NotifyKind[]): LinkgateCloudEvent | undefined {
  const raised = notifyKindOf(record);
  if (raised === undefined || !on.includes(raised.kind)) return undefined;
  const { leaseUntil: _lease, ...data } = record;
  return {
    specversion: '1.0',
    type: raised.type,
    source: 'linkgate',
    id: `${record.id}.${raised.kind}`,
    time: record.time,
    subject: record.connectionId,
    datacontenttype: 'application/json',
    data,
  };
}
