/**
 * A person's decision stands (issue 13): a connection whose latest decision is a human one that
 * ARM carried out (`linkgate approve|reject`, with or without `--override`) and whose status still
 * shows it may be reported as drift, never revoked or flipped by the sweep. Looked up with one
 * store query per target, made only when the sweep first finds drift on it.
 */
import type { AuditRecord, AuditStore } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';

/** The human decision that still holds for a connection with this status, if any. */
export type StandingHumanDecision = (connectionId: string, status: string) => Promise<AuditRecord | undefined>;

/** The latest record per connection ID (lower case) of one target, drift reports aside (they judge, they do not decide). */
async function latestDecisionsOn(target: ArmId, store: AuditStore): Promise<Map<string, AuditRecord>> {
  const latest = new Map<string, AuditRecord>();
  for await (const record of store.query({ target: target.text })) {
    const id = record.connectionId.toLowerCase();
    if (record.kind === 'drift' || latest.has(id)) continue;
    latest.set(id, record);
  }
  return latest;
}

export function standingHumanDecisions(target: ArmId, store: AuditStore): StandingHumanDecision {
  let latest: Promise<Map<string, AuditRecord>> | undefined;
  return async (connectionId, status) => {
    latest ??= latestDecisionsOn(target, store);
    const record = (await latest).get(connectionId.toLowerCase());
    if (record?.trigger.type !== 'human' || record.action.status !== 'succeeded') return undefined;
    const shown = status.toLowerCase() === 'approved' ? 'approve' : status.toLowerCase() === 'rejected' ? 'reject' : undefined;
    // Changed on ARM since (az, the portal): the person's decision no longer describes the connection.
    return record.decision === shown ? record : undefined;
  };
}

/** What the drift report says instead of acting: who decided, and that it stands. */
export function humanDecisionNote(record: AuditRecord): string {
  const trigger = record.trigger.type === 'human' ? record.trigger : undefined;
  const verb = record.decision === 'approve' ? 'approved' : 'rejected';
  const override = trigger?.override === true ? ', overriding the policy' : '';
  return `not revoked: ${verb} by ${trigger?.principal ?? 'a person'}${override} (human decision, audit record ${record.id}: ${trigger?.reason ?? ''})`;
}
