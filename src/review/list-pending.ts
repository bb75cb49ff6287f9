/**
 * The review queue, read live (issue 13, DESIGN §3 `pending`): every connection still Pending on
 * the given governed targets, as ARM lists it now, joined with the audit records of its current
 * state: the last decision and all its reasons, and when linkgate first saw it waiting.
 * Connections nothing has decided yet are listed with `lastDecision: null` and the reasons today's
 * policies give (evaluated now, when the caller can evaluate).
 */
import type { ArmClient, ArmConnection } from '../arm/types.js';
import type { AuditRecord, AuditStore } from '../audit/types.js';
import type { ArmId } from '../ids/arm-id.js';
import { errorSummary } from '../pipeline/classify-error.js';
import { idempotencyKeyOf } from '../pipeline/decision-record.js';
import { mapWithConcurrency } from '../pipeline/map-with-concurrency.js';
import { connectionFacts } from '../policy/connection-facts.js';
import type { DecisionKind } from '../policy/types.js';

export interface PendingConnection {
  connectionId: string;
  target: string;
  privateEndpointId: string | null;
  consumerSubscriptionId: string | null;
  consumerTenantId: string | null;
  requestMessage: string;
  /**
   * When linkgate first recorded this Pending state (ISO 8601). ARM gives no time for a
   * connection request (privateEndpointConnection has no creation time), so it is null until
   * linkgate has recorded the state (the next event or sweep does).
   */
  waitingSince: string | null;
  lastDecision: { decision: DecisionKind; policy: string | null; time: string; recordId: string; enforced: boolean } | null;
  /** Every reason of the last decision; with none yet, the reasons today's policies give. */
  reasons: string[];
}

/** What today's policies say of a Pending connection (the daemon's case and evaluation). */
export type EvaluateNow = (target: ArmId, connection: ArmConnection, siblings: ArmConnection[]) => Promise<{ reasons: string[] }>;

export interface PendingDeps {
  arm: ArmClient;
  store: AuditStore;
  concurrency: number;
  evaluateNow?: EvaluateNow;
}

export interface PendingList {
  pending: PendingConnection[];
  /** Targets that could not be read, with why. */
  errors: { target: string; error: string }[];
}

/** The newest record that decided this state (drift reports judge decided connections, not this one). */
function latestDecision(records: AuditRecord[]): AuditRecord | undefined {
  return records.filter((r) => r.kind !== 'drift').sort((a, b) => b.time.localeCompare(a.time))[0];
}

async function pendingOn(target: ArmId, deps: PendingDeps): Promise<PendingConnection[]> {
  const connections = await deps.arm.listConnections(target.text);
  const out: PendingConnection[] = [];
  for (const connection of connections) {
    const facts = connectionFacts(connection);
    if (!facts.isPending) continue;
    const records = await deps.store.findByKey(idempotencyKeyOf(connection.id, connection.etag ?? ''));
    const last = latestDecision(records);
    const first = records.map((r) => r.time).sort()[0];
    const reasons = last?.reasons ?? (await deps.evaluateNow?.(target, connection, connections))?.reasons ?? [];
    out.push({
      connectionId: connection.id,
      target: target.text,
      privateEndpointId: facts.privateEndpointId ?? null,
      consumerSubscriptionId: facts.consumerSubscriptionId ?? null,
      consumerTenantId: last?.consumerTenantId ?? null,
      // The record holds the consumer's own message when the pipeline could read their endpoint.
      requestMessage: last?.requestMessage ?? facts.requestMessage,
      waitingSince: first ?? null,
      lastDecision: last === undefined ? null : { decision: last.decision, policy: last.policy, time: last.time, recordId: last.id, enforced: last.enforced },
      reasons,
    });
  }
  return out;
}

export async function listPending(targets: ArmId[], deps: PendingDeps): Promise<PendingList> {
  const results = await mapWithConcurrency(targets, deps.concurrency, (target) => pendingOn(target, deps));
  const list: PendingList = { pending: [], errors: [] };
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') list.pending.push(...result.value);
    else list.errors.push({ target: targets[i]!.text, error: errorSummary(result.reason) });
  });
  // Longest waiting first; never-decided ones (no record yet) after, by connection ID.
  list.pending.sort((a, b) => (a.waitingSince ?? '\uffff').localeCompare(b.waitingSince ?? '\uffff') || a.connectionId.localeCompare(b.connectionId));
  return list;
}
