/**
 * One sweep: the level-triggered safety net behind the events (DESIGN §1). Every governed target
 * with connections is reconciled by the same `reconcileTarget` the events use, with bounded
 * concurrency and the ARM client's pacing; then decided connections are checked for drift —
 * Approved ones today's policies would reject, Rejected ones they would approve (as GCP Private
 * Service Connect's reconcileConnections does). Drift is reported by default and acted on only
 * with LINKGATE_SWEEP_REVOKE=true.
 */
import type { ArmConnection } from '../arm/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { SweepScope } from '../config/read-config.js';
import { parseArmId, type ArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { errorSummary, isTransientError } from '../pipeline/classify-error.js';
import type { PipelineDeps } from '../pipeline/handle-events.js';
import { createInvocationCaches } from '../pipeline/invocation-caches.js';
import { mapWithConcurrency } from '../pipeline/map-with-concurrency.js';
import {
  appendOnce,
  buildCase,
  carryOutDecision,
  reconcileTarget,
  recordFor,
  wantedStatus,
  type ReconcileDeps,
} from '../pipeline/reconcile-target.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { evaluateWithDetail } from '../policy/evaluate.js';
import { findSweepTargets, type SweepTarget } from './find-sweep-targets.js';

export interface DriftItem {
  target: string;
  connectionId: string;
  status: string;
  /** What today's policies say. */
  decision: 'approve' | 'reject';
  policy: string | null;
  reasons: string[];
  /** What was done about it. */
  action: 'reported' | 'revoked' | 'approved' | 'owned' | 'failed';
}

export interface SweepTotals {
  targets: number;
  connections: number;
  pending: number;
  approved: number;
  rejected: number;
  manual: number;
  /** Dry run: what would have been approved and rejected (recorded with enforced=false, not written). */
  wouldApprove: number;
  wouldReject: number;
  /** Owned by another worker or already decided. */
  owned: number;
  drift: number;
  errors: number;
}

export interface SweepSummary {
  totals: SweepTotals;
  drift: DriftItem[];
  errors: string[];
  /** Resources with connections that no policy governs (never touched). */
  ungoverned: number;
  transient: boolean;
}

export interface SweepDeps {
  pipeline: PipelineDeps;
  config: { sweep: { scopes: SweepScope[]; extraTargets: string[] } };
}

export interface SweepOptions {
  logger?: Logger;
  /** Act on drift. */
  revoke: boolean;
  /** Called after each target, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

function hasPending(connections: ArmConnection[] | undefined): boolean {
  return connections === undefined || connections.some((c) => connectionFacts(c).isPending);
}

/** Evaluates a decided connection as if it were Pending now: what would today's policies say? */
async function checkDrift(
  target: ArmId,
  connection: ArmConnection,
  siblings: ArmConnection[],
  deps: ReconcileDeps,
  revoke: boolean,
  log: Logger,
): Promise<DriftItem | undefined> {
  const facts = connectionFacts(connection);
  const status = facts.status?.toLowerCase();
  if (status !== 'approved' && status !== 'rejected') return undefined;
  const state = connection.properties?.privateLinkServiceConnectionState ?? {};
  const asPending: ArmConnection = {
    ...connection,
    properties: { ...connection.properties, privateLinkServiceConnectionState: { ...state, status: 'Pending' } },
  };
  // connectionLimit counts Approved siblings; the connection itself must not count against itself.
  const others = siblings.filter((c) => c.id.toLowerCase() !== connection.id.toLowerCase());
  const { evaluationCase, endpoint } = await buildCase(target, asPending, others, deps);
  const { decision, verdicts } = evaluateWithDetail(deps.policies, evaluationCase);
  const drifted =
    (status === 'approved' && decision.decision === 'reject') || (status === 'rejected' && decision.decision === 'approve');
  if (!drifted || decision.policy === null) return undefined;

  const started = Date.now();
  const record: AuditRecord = {
    ...recordFor(target, connection, decision, endpoint, evaluationCase, { kind: 'sweep' }, false, deps, started),
    kind: 'drift',
    reasons: [`drift: the connection is ${facts.status ?? status} but the current policies would ${decision.decision} it`, ...decision.reasons],
  };
  const item: DriftItem = {
    target: target.text,
    connectionId: connection.id,
    status: facts.status ?? status,
    decision: decision.decision as 'approve' | 'reject',
    policy: decision.policy,
    reasons: decision.reasons,
    action: 'reported',
  };
  const wanted = wantedStatus(decision.decision);
  // Revoke only on an explicit rule (deny or visibility). A reject that rests on `otherwise`
  // may just mean a condition could not be checked today (endpoint unreadable, tenant lookup
  // failed): never take a live connection down on missing data.
  const explicit = decision.decision !== 'reject' || verdicts.some((v) => v.mode === 'enforce' && v.policy === decision.policy && v.rank === 4);
  if (!explicit) item.reasons = [...item.reasons, 'not revoked: the reject rests on `otherwise`, not on a deny or visibility rule'];
  if (!revoke || deps.dryRun || wanted === undefined || !explicit) {
    await appendOnce(record, deps);
    log.warn({ connection: connection.id, status: item.status, decision: item.decision, policy: item.policy }, 'drift found');
    return item;
  }
  // Act with the connection as ARM has it now (fresh etag), under the same exactly-once protocol.
  const current = await deps.arm.getConnection(connection.id);
  if (current === undefined || connectionFacts(current).status?.toLowerCase() !== status) return { ...item, action: 'owned' };
  const result = await carryOutDecision(
    current,
    decision,
    { ...record, enforced: true, idempotencyKey: `${current.id.toLowerCase()}|${current.etag ?? ''}` },
    wanted,
    deps,
    log.child({ connection: connection.id }),
    started,
  );
  item.action = result === 'rejected' ? 'revoked' : result === 'approved' ? 'approved' : result === 'owned' ? 'owned' : 'failed';
  return item;
}

/**
 * Targets holding claims still open in the audit store (a writer died, or its record could not be
 * completed, after the ARM write): their keys, and any governed one the graph did not list is
 * added to `targets`, so the sweep finishes every orphaned claim and not only Pending work.
 */
async function targetsWithOpenClaims(pipeline: SweepDeps['pipeline'], targets: SweepTarget[]): Promise<Set<string>> {
  const keys = new Set<string>();
  const listed = new Set(targets.map((t) => t.target.key));
  for (const record of await pipeline.store.incomplete()) {
    const parsed = parseArmId(record.target);
    if (!parsed.ok || keys.has(parsed.id.key) || !pipeline.policies.governs(parsed.id.key)) continue;
    keys.add(parsed.id.key);
    if (!listed.has(parsed.id.key)) targets.push({ target: parsed.id, snapshot: [] });
  }
  return keys;
}

export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepSummary> {
  const pipeline = deps.pipeline;
  const logger = options.logger ?? pipeline.logger;
  const caches = createInvocationCaches();
  const reconcileDeps: ReconcileDeps = { ...pipeline, logger, caches };
  const summary: SweepSummary = {
    totals: { targets: 0, connections: 0, pending: 0, approved: 0, rejected: 0, wouldApprove: 0, wouldReject: 0, manual: 0, owned: 0, drift: 0, errors: 0 },
    drift: [],
    errors: [],
    ungoverned: 0,
    transient: false,
  };
  const fail = (error: unknown): void => {
    summary.errors.push(errorSummary(error));
    summary.totals.errors++;
    summary.transient ||= isTransientError(error);
  };

  let targets: SweepTarget[];
  let orphaned: Set<string>;
  try {
    const found = await findSweepTargets(
      pipeline.arm,
      deps.config.sweep.scopes,
      deps.config.sweep.extraTargets,
      (key) => pipeline.policies.governs(key),
    );
    targets = found.targets;
    summary.ungoverned = found.skipped;
    for (const id of found.invalid) logger.warn({ id }, 'sweep skipped an unparseable resource ID');
    orphaned = await targetsWithOpenClaims(pipeline, targets);
  } catch (error) {
    fail(error);
    logger.error({ err: error }, 'sweep could not list targets');
    return summary;
  }
  summary.totals.targets = targets.length;
  logger.info({ targets: targets.length, ungoverned: summary.ungoverned }, 'sweep started');

  let done = 0;
  options.onProgress?.(0, targets.length);
  const results = await mapWithConcurrency(
    targets,
    pipeline.concurrency,
    async ({ target, snapshot }) => {
      const log = logger.child({ target: target.text });
      let seen = snapshot ?? [];
      // A target with a claim left open is reconciled even with nothing Pending: that finishes the claim.
      if (hasPending(snapshot) || orphaned.has(target.key)) {
        const outcome = await reconcileTarget(target, { kind: 'sweep' }, reconcileDeps);
        summary.totals.connections += outcome.connections;
        summary.totals.pending += outcome.pending;
        summary.totals.approved += outcome.results.approved;
        summary.totals.rejected += outcome.results.rejected;
        summary.totals.manual += outcome.results.manual;
        summary.totals.wouldApprove += outcome.results.wouldApprove;
        summary.totals.wouldReject += outcome.results.wouldReject;
        summary.totals.owned += outcome.results.owned;
        for (const error of outcome.errors) summary.errors.push(`${target.text}: ${error}`);
        summary.totals.errors += outcome.errors.length + outcome.results.failed;
        summary.transient ||= outcome.transient;
        if (outcome.errors.length > 0) return;
        seen = outcome.seen;
      } else {
        summary.totals.connections += seen.length;
      }
      for (const connection of seen) {
        try {
          const item = await checkDrift(target, connection, seen, reconcileDeps, options.revoke, log);
          if (item !== undefined) {
            summary.drift.push(item);
            summary.totals.drift++;
          }
        } catch (error) {
          fail(error);
          log.error({ err: error, connection: connection.id }, 'drift check failed');
        }
      }
    },
    () => options.onProgress?.(++done, targets.length),
  );
  for (const result of results) if (result.status === 'rejected') fail(result.reason);
  logger.info({ ...summary.totals }, 'sweep finished');
  return summary;
}
