/**
 * Before `linkgate reconcile` writes to ARM from a terminal: the per-connection plan (what the
 * policies would approve or reject now, read live as the sweep finds it), totals in which every
 * Pending connection falls in exactly one column (approve, reject, manual, audit-only,
 * ungoverned), then a yes/no question. The sweep that follows reads and decides again: the plan
 * shows intent, it does not carry stale decisions out.
 */
import { createInterface } from 'node:readline';
import type { ArmClient } from '../arm/types.js';
import type { SweepScope } from '../config/read-config.js';
import { readLiveConnections } from '../plan/read-live-connections.js';
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { evaluate } from '../policy/evaluate.js';
import type { CliIo } from './io.js';
import { renderTable } from './render-table.js';

export interface ReconcilePreview {
  rows: string[][];
  totals: { pending: number; approve: number; reject: number; manual: number; auditOnly: number; ungoverned: number };
}

export async function previewReconcile(arm: ArmClient, policies: CompiledPolicySet, sweep: { scopes: SweepScope[]; extraTargets: string[] }): Promise<ReconcilePreview> {
  const totals = { pending: 0, approve: 0, reject: 0, manual: 0, auditOnly: 0, ungoverned: 0 };
  const rows: string[][] = [];
  for await (const input of readLiveConnections(arm, { ...sweep, governs: (key) => policies.governs(key) })) {
    if (!connectionFacts(input.connection).isPending) continue;
    totals.pending++;
    const decision = evaluate(policies, input);
    if (decision.decision === 'ignore') {
      if (decision.shadow.length > 0) totals.auditOnly++;
      else totals.ungoverned++;
      continue;
    }
    totals[decision.decision]++;
    if (decision.decision === 'manual') continue;
    const segments = decision.connectionId.split('/');
    rows.push([`${segments.at(-3) ?? ''}/${segments.at(-1) ?? ''}`, decision.decision, decision.policy ?? '', decision.reasons[0] ?? '']);
  }
  return { rows, totals };
}

export function renderPreview(preview: ReconcilePreview): string {
  const t = preview.totals;
  const lines: string[] = [];
  if (preview.rows.length > 0) lines.push(renderTable(['connection', 'will', 'policy', 'why'], preview.rows), '');
  lines.push(renderTable(['pending', 'approve', 'reject', 'manual', 'audit-only', 'ungoverned'], [[t.pending, t.approve, t.reject, t.manual, t.auditOnly, t.ungoverned].map(String)]));
  return lines.join('\n') + '\n';
}

async function ask(io: CliIo, question: string): Promise<boolean> {
  io.stdout.write(question);
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/iu.test(line);
    return false;
  } finally {
    lines.close();
  }
}

/** True to go on. Shows the plan; asks only when something would be written. */
export async function confirmReconcile(io: CliIo, arm: ArmClient, policies: CompiledPolicySet, sweep: { scopes: SweepScope[]; extraTargets: string[] }): Promise<boolean> {
  const preview = await previewReconcile(arm, policies, sweep);
  io.stdout.write(renderPreview(preview));
  const writes = preview.totals.approve + preview.totals.reject;
  if (writes === 0) {
    io.stdout.write('\nnothing to approve or reject now; the sweep still records manual decisions and reports drift\n');
    return ask(io, 'Run the sweep? [y/N] ');
  }
  return ask(io, `\nApprove ${preview.totals.approve} and reject ${preview.totals.reject} connection(s) in ARM? [y/N] `);
}

/** Interactive: both ends are a terminal. A script (or CI) gets no question. */
export function isInteractive(io: CliIo): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true && io.stdout.isTTY === true;
}
