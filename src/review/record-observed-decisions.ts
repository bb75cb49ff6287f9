/**
 * Decisions made outside linkgate (issue 13 Build 3): a connection linkgate left for manual review
 * that ARM now shows Approved or Rejected was decided by someone with `az` or the portal. One
 * record with `trigger: {type: 'observed'}`, the new status, `enforced: false` and the reason
 * "decided outside linkgate" closes the gap in the trail, once per change however many sweeps
 * see it: the observed record becomes the connection's latest, and racing sweeps write it through
 * appendOnce, so only one of them does.
 *
 * The connection's history is read with one pass over the store (newest first) per sweep, and
 * only when the sweep saw a decided connection at all.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { appendOnce } from '../pipeline/append-once.js';
import { idempotencyKeyOf } from '../pipeline/decision-record.js';
import { capDescription } from '../pipeline/describe-decision.js';
import type { ReconcileDeps } from '../pipeline/reconcile-deps.js';
import { connectionFacts } from '../policy/connection-facts.js';

export const OBSERVED_REASON = 'decided outside linkgate';

export interface SeenTarget {
  target: ArmId;
  connections: ArmConnection[];
}

function decidedStatus(connection: ArmConnection): 'approve' | 'reject' | undefined {
  const status = connectionFacts(connection).status?.toLowerCase();
  return status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : undefined;
}

/** The latest record per connection ID (lower case) among `wanted`, drift reports aside; stops once all are found. */
async function latestRecords(wanted: Set<string>, deps: Pick<ReconcileDeps, 'store'>): Promise<Map<string, AuditRecord>> {
  const latest = new Map<string, AuditRecord>();
  for await (const record of deps.store.query({})) {
    const id = record.connectionId.toLowerCase();
    if (record.kind === 'drift' || !wanted.has(id) || latest.has(id)) continue;
    latest.set(id, record);
    if (latest.size === wanted.size) break;
  }
  return latest;
}

/** Appends the observed records the sweep's view calls for; returns how many it recorded (of racing sweeps, one writes each). */
export async function recordObservedDecisions(seen: SeenTarget[], deps: ReconcileDeps, log: Logger): Promise<number> {
  const decided = new Map<string, { target: ArmId; connection: ArmConnection }>();
  for (const { target, connections } of seen) {
    for (const connection of connections) if (decidedStatus(connection) !== undefined) decided.set(connection.id.toLowerCase(), { target, connection });
  }
  if (decided.size === 0) return 0;
  const latest = await latestRecords(new Set(decided.keys()), deps);
  let written = 0;
  for (const [id, record] of latest) {
    if (record.decision !== 'manual' || record.trigger.type === 'observed') continue;
    // Confirm on ARM: the sweep's view may come from a lagging Resource Graph snapshot.
    const current = await deps.arm.getConnection(decided.get(id)!.connection.id);
    const verdict = current === undefined ? undefined : decidedStatus(current);
    if (current === undefined || verdict === undefined) continue;
    const facts = connectionFacts(current);
    const description = current.properties?.privateLinkServiceConnectionState?.description;
    const etag = current.etag ?? '';
    const { leaseUntil: _lease, ...base } = record;
    const observed: AuditRecord = {
      ...base,
      id: deps.newId(),
      time: deps.now().toISOString(),
      trigger: { type: 'observed' },
      previousStatus: record.previousStatus,
      decision: verdict,
      enforced: false,
      reasons: [
        `${OBSERVED_REASON}: ARM shows ${facts.status ?? verdict} after linkgate left it for manual review (record ${record.id})`,
        ...(typeof description === 'string' && description.trim() !== '' ? [`description on ARM: ${capDescription(description)}`] : []),
      ],
      shadow: [],
      policyRevision: deps.policies.revision,
      action: { status: 'skipped' },
      durationMs: 0,
      idempotencyKey: idempotencyKeyOf(current.id, etag),
      etag,
      kind: 'decision',
    };
    await appendOnce(observed, deps);
    log.info({ connection: current.id, status: facts.status, recordId: observed.id }, 'connection decided outside linkgate; recorded as observed');
    written++;
  }
  return written;
}
