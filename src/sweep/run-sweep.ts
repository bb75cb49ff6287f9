/**
 * One sweep: the level-triggered safety net behind the events (DESIGN §1). Every governed target
 * with connections is reconciled by the same `reconcileTarget` the events use, with bounded
 * concurrency and the ARM client's pacing; then decided connections are checked for drift —
 * Approved ones today's policies would reject, Rejected ones they would approve (as GCP Private
 * Service Connect's reconcileConnections does). Drift is reported by default and acted on only
 * with LINKGATE_SWEEP_REVOKE=true.
 */
import type { ArmConnection } from '../arm/types.js';
import type { SweepScope } from '../config/read-config.js';
import { parseArmId } from '../ids/arm-id.js';
import type { Logger } from '../log/create-logger.js';
import { errorSummary, isTransientError } from '../pipeline/classify-error.js';
import type { PipelineDeps } from '../pipeline/handle-events.js';
import { createInvocationCaches } from '../pipeline/invocation-caches.js';
import { mapWithConcurrency } from '../pipeline/map-with-concurrency.js';
import { reconcileTarget, type ReconcileDeps } from '../pipeline/reconcile-target.js';
import { connectionFacts } from '../policy/connection-facts.js';
import { recordObservedDecisions, type SeenTarget } from '../review/record-observed-decisions.js';
import { standingHumanDecisions } from '../review/standing-human-decisions.js';
import { checkDrift, type DriftItem } from './check-drift.js';
import { findSweepTargets, type SweepTarget } from './find-sweep-targets.js';
import { addTargetOutcome, emptyTotals, type SweepTotals } from './sweep-totals.js';

export type { DriftItem } from './check-drift.js';
export type { SweepTotals } from './sweep-totals.js';

export interface SweepSummary {
  totals: SweepTotals;
  drift: DriftItem[];
  errors: string[];
  /** Resources with connections that no policy governs (never touched). */
  ungoverned: number;
  /** Connections left for manual review found decided outside linkgate, recorded as `observed`. */
  observed: number;
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

/**
 * Decisions still open once the sweep is done (released for a retry, or claimed and unfinished):
 * each is an error, so `linkgate reconcile` exits non-zero and the timer run fails while any is
 * left, instead of reporting a clean sweep over a connection nobody is carrying out.
 */
async function countOpenDecisions(pipeline: SweepDeps['pipeline'], summary: SweepSummary): Promise<void> {
  const open = (await pipeline.store.incomplete()).filter((record) => {
    const parsed = parseArmId(record.target);
    return parsed.ok && pipeline.policies.governs(parsed.id.key);
  });
  if (open.length === 0) return;
  const released = open.filter((record) => record.action.released === true).length;
  summary.totals.released = released;
  summary.totals.stranded = open.length - released;
  summary.totals.errors += open.length;
  summary.transient = true;
  summary.errors.push(
    `${open.length} decision(s) not complete after the sweep: ${released} released for a retry after a write that did not land, ` +
      `${open.length - released} claimed and unfinished (a write in progress, or a writer that stopped); a later reconcile completes them`,
  );
}

export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepSummary> {
  const pipeline = deps.pipeline;
  const logger = options.logger ?? pipeline.logger;
  const caches = createInvocationCaches();
  const reconcileDeps: ReconcileDeps = { ...pipeline, logger, caches };
  const summary: SweepSummary = {
    totals: emptyTotals(),
    drift: [],
    errors: [],
    ungoverned: 0,
    observed: 0,
    transient: false,
  };
  const seenTargets: SeenTarget[] = [];
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
        const outcome = await reconcileTarget(target, { type: 'sweep' }, reconcileDeps);
        addTargetOutcome(summary.totals, outcome);
        for (const error of outcome.errors) summary.errors.push(`${target.text}: ${error}`);
        summary.transient ||= outcome.transient;
        if (outcome.errors.length > 0) return;
        seen = outcome.seen;
      } else {
        summary.totals.connections += seen.length;
      }
      seenTargets.push({ target, connections: seen });
      const humanDecision = standingHumanDecisions(target, pipeline.store);
      for (const connection of seen) {
        try {
          const item = await checkDrift(target, connection, seen, reconcileDeps, options.revoke, log, humanDecision);
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
  try {
    summary.observed = await recordObservedDecisions(seenTargets, reconcileDeps, logger);
  } catch (error) {
    fail(error);
    logger.error({ err: error }, 'recording decisions made outside linkgate failed');
  }
  try {
    await countOpenDecisions(pipeline, summary);
  } catch (error) {
    fail(error);
  }
  logger.info({ ...summary.totals }, 'sweep finished');
  return summary;
}
