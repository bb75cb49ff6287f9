/**
 * What changes if one policy set replaces another (`linkgate plan`), over a set of connections:
 * each connection is decided by both sets, as if it were Pending now (as the sweep's drift check
 * does for decided connections), and the differences are classified by what they would do:
 * a Pending connection newly approved or rejected, an Approved one the new set would reject
 * (revocable by drift), a Rejected one it would approve. Pure: no I/O.
 */
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { evaluateWithDetail } from '../policy/evaluate.js';
import type { DecisionKind, EvaluationCase } from '../policy/types.js';

export type ChangeKind =
  | 'newly-approved'
  | 'newly-rejected'
  | 'newly-manual'
  | 'newly-ungoverned'
  | 'revocable'
  | 'no-longer-revocable'
  | 'now-approvable'
  | 'no-longer-approvable';

export interface Side {
  decision: DecisionKind;
  policy: string | null;
  reasons: string[];
  /** For a reject: whether it rests on deny or visibility (what the sweep may act on), not on `otherwise`. */
  explicit: boolean;
}

export interface PlannedChange {
  connectionId: string;
  /** The connection's status now (Pending, Approved, Rejected, …). */
  status: string;
  kind: ChangeKind;
  before: Side;
  after: Side;
}

export interface PlanTotals {
  connections: number;
  changed: number;
  unchanged: number;
  byKind: Record<ChangeKind, number>;
}

export const CHANGE_LABELS: Readonly<Record<ChangeKind, string>> = {
  'newly-approved': 'newly approved',
  'newly-rejected': 'newly rejected',
  'newly-manual': 'now left for manual review',
  'newly-ungoverned': 'no longer governed',
  revocable: 'approved, now revocable by drift',
  'no-longer-revocable': 'approved, no longer drift',
  'now-approvable': 'rejected, now approvable by drift',
  'no-longer-approvable': 'rejected, no longer drift',
};

function side(compiled: CompiledPolicySet, input: EvaluationCase): Side {
  const { decision, verdicts } = evaluateWithDetail(compiled, input);
  const explicit = decision.decision === 'reject' && verdicts.some((v) => v.mode === 'enforce' && v.policy === decision.policy && v.rank === 4);
  return { decision: decision.decision, policy: decision.policy, reasons: decision.reasons, explicit };
}

/** The case with the connection shown as Pending, and itself out of the siblings (it must not count against its own limit). */
function asPending(input: EvaluationCase, id: string): EvaluationCase {
  const connection = input.connection as { properties?: { privateLinkServiceConnectionState?: Record<string, unknown> } };
  const state = connection.properties?.privateLinkServiceConnectionState ?? {};
  const pending = { ...connection, properties: { ...connection.properties, privateLinkServiceConnectionState: { ...state, status: 'Pending' } } };
  const siblings = input.targetConnections?.filter((c) => (c as { id?: unknown } | null)?.id !== id);
  return { ...input, connection: pending, ...(siblings === undefined ? {} : { targetConnections: siblings }) };
}

function classify(status: string, before: Side, after: Side): ChangeKind | undefined {
  const s = status.toLowerCase();
  if (s === 'approved') {
    if (after.decision === 'reject' && before.decision !== 'reject') return 'revocable';
    if (before.decision === 'reject' && after.decision !== 'reject') return 'no-longer-revocable';
    return undefined;
  }
  if (s === 'rejected') {
    if (after.decision === 'approve' && before.decision !== 'approve') return 'now-approvable';
    if (before.decision === 'approve' && after.decision !== 'approve') return 'no-longer-approvable';
    return undefined;
  }
  if (s !== 'pending') return undefined; // transitional (Approving, Disconnecting…): nothing to plan
  if (before.decision === after.decision) return undefined;
  if (after.decision === 'approve') return 'newly-approved';
  if (after.decision === 'reject') return 'newly-rejected';
  if (after.decision === 'manual') return 'newly-manual';
  return 'newly-ungoverned';
}

export function planChange(base: CompiledPolicySet, head: CompiledPolicySet, input: EvaluationCase): PlannedChange | undefined {
  const facts = connectionFacts(input.connection);
  const id = facts.connectionId ?? '';
  const status = facts.status ?? 'unknown';
  const pending = asPending(input, id);
  const before = side(base, pending);
  const after = side(head, pending);
  const kind = classify(status, before, after);
  return kind === undefined ? undefined : { connectionId: id, status, kind, before, after };
}

export function emptyTotals(): PlanTotals {
  const byKind = Object.fromEntries(Object.keys(CHANGE_LABELS).map((k) => [k, 0])) as Record<ChangeKind, number>;
  return { connections: 0, changed: 0, unchanged: 0, byKind };
}

export function addToTotals(totals: PlanTotals, change: PlannedChange | undefined): void {
  totals.connections++;
  if (change === undefined) totals.unchanged++;
  else {
    totals.changed++;
    totals.byKind[change.kind]++;
  }
}
