/**
 * Crash recovery, the last part of the exactly-once protocol: claims whose writer died between
 * intent and outcome are finished from what ARM shows, once their lease has expired, and never
 * written to ARM a second time.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { leaseExpired } from './claim-decision.js';
import { inProgress, shows, stillAsClaimed, wantedStatus } from './decision-record.js';
import type { ReconcileDeps } from './reconcile-deps.js';

/** Claims of the target finished now, and those still under a live lease. */
export async function finishInterruptedClaims(target: ArmId, deps: ReconcileDeps, log: Logger): Promise<{ finished: number; leased: AuditRecord[] }> {
  let finished = 0;
  const leased: AuditRecord[] = [];
  for (const record of await deps.store.incomplete(target.key)) {
    if (!leaseExpired(record, deps)) {
      leased.push(record);
      continue;
    }
    const current = await deps.arm.getConnection(record.connectionId);
    // Still Pending as claimed: the main pass takes the claim over and acts (a released claim: retries).
    if (stillAsClaimed(record, current)) continue;
    const status = current === undefined ? undefined : connectionFacts(current).status;
    // Still being carried out at ARM (Approving…): nothing to finish yet; it stays open, and counted.
    if (inProgress(status)) {
      leased.push(record);
      continue;
    }
    const taken = await deps.store.takeOver(record, new Date(deps.now().getTime() + deps.leaseMs));
    if (!taken.taken) continue;
    const wanted = wantedStatus(record.decision);
    const { error: _lastError, released: _released, ...last } = taken.record.action;
    await deps.store.complete({
      ...taken.record,
      action:
        wanted !== undefined && shows(current, wanted)
          ? { ...last, status: 'succeeded', note: 'finished after an interrupted attempt: ARM already shows ' + wanted }
          : { ...last, status: 'superseded', note: `finished after an interrupted attempt: ARM shows ${status ?? 'no such connection'}` },
    });
    log.warn({ connection: record.connectionId, recordId: record.id, status }, 'finished an interrupted decision');
    finished++;
  }
  return { finished, leased };
}

/**
 * Leased claims whose ARM write has landed (the connection no longer shows the claimed state) and
 * that are older than a quarter of the lease. A live writer completes its record within seconds
 * (its polls included); an older one has almost surely lost its record, and only a redelivery
 * after the lease will finish it. Younger ones are left alone, so concurrent deliveries for one
 * target do not fail each other.
 */
export function writesAwaitingRecord(leased: AuditRecord[], connections: ArmConnection[], deps: ReconcileDeps): number {
  const byId = new Map(connections.map((c) => [c.id.toLowerCase(), c]));
  const now = deps.now().getTime();
  return leased.filter((record) => now - Date.parse(record.time) >= deps.leaseMs / 4 && !stillAsClaimed(record, byId.get(record.connectionId.toLowerCase()))).length;
}
