/**
 * `linkgate serve` follows edits to its policy folder: on a change it loads and validates the
 * whole set again and swaps it in only when all of it is valid. A broken edit is refused with its
 * errors logged and the previous set keeps deciding (as OPA keeps its last good bundle). Reloads
 * run one at a time; changes that arrive during one cause exactly one more.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../log/create-logger.js';
import { compilePolicies, type CompiledPolicySet } from '../policy/compile-policies.js';
import { formatPolicyError, loadPolicies } from '../policy/load-policies.js';
import type { PolicySet } from '../policy/types.js';
import type { Runtime } from './create-runtime.js';

export type ReloadOutcome =
  | { ok: true; changed: boolean; revision: string }
  | { ok: false; errors: string[]; /** The revision still in use. */ revision: string };


export interface PolicyWatcher {
  /** Loads the folder now (as a change would), resolving with what happened. */
  reload(): Promise<ReloadOutcome>;
  /** Resolves with the outcome of the next reload that finishes. */
  nextReload(): Promise<ReloadOutcome>;
  close(): void;
}

export interface WatchOptions {
  dir: string;
  /** The revision in use. */
  revision: () => string;
  /** Puts a wholly valid new set in use. */
  apply: (set: PolicySet, compiled: CompiledPolicySet) => void;
  logger: Logger;
  /** Quiet time after a change before reloading, so an editor's burst of writes loads once. */
  settleMs?: number;
}

export function watchPolicies(options: WatchOptions): PolicyWatcher {
  const { dir, logger } = options;
  const settleMs = options.settleMs ?? 200;
  let running: Promise<ReloadOutcome> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let waiters: Array<(outcome: ReloadOutcome) => void> = [];

  const loadOnce = async (): Promise<ReloadOutcome> => {
    const current = options.revision();
    try {
      const result = await loadPolicies(dir);
      if (!result.ok) {
        const errors = result.errors.map(formatPolicyError);
        logger.error({ dir, errors, revision: current }, `policy change refused: ${errors.length} error(s); still deciding with revision ${current}`);
        return { ok: false, errors, revision: current };
      }
      if (result.set.revision === current) return { ok: true, changed: false, revision: current };
      const compiled = compilePolicies(result.set);
      options.apply(result.set, compiled);
      logger.info({ dir, policies: compiled.policyNames, revision: compiled.revision, previous: current }, `policies reloaded: now deciding with revision ${compiled.revision}`);
      return { ok: true, changed: true, revision: compiled.revision };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ dir, err: error, revision: current }, `policy reload failed; still deciding with revision ${current}`);
      return { ok: false, errors: [message], revision: current };
    }
  };

  const reload = (): Promise<ReloadOutcome> => {
    if (running !== undefined) {
      // The run in progress loads once more before it resolves, so its outcome covers this change.
      again = true;
      return running;
    }
    const run = (async () => {
      let outcome: ReloadOutcome;
      do {
        again = false;
        outcome = await loadOnce();
      } while (again && !closed);
      return outcome;
    })();
    running = run;
    void run.then((outcome) => {
      running = undefined;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve(outcome);
    });
    return run;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, () => {
      if (closed) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void reload();
      }, settleMs);
    });
    watcher.on('error', (error) => logger.error({ dir, err: error }, 'watching the policy folder failed; policy edits are no longer picked up until restart'));
  } catch (error) {
    logger.error({ dir, err: error }, 'cannot watch the policy folder; policy edits are picked up only on restart');
  }

  return {
    reload,
    nextReload: () => new Promise((resolve) => waiters.push(resolve)),
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}

/** Watches a runtime's policy folder and swaps reloaded sets into it (and its pipeline). */
export function watchRuntimePolicies(runtime: Pick<Runtime, 'config' | 'logger' | 'policySet' | 'policies' | 'pipeline'>, settleMs?: number): PolicyWatcher {
  return watchPolicies({
    dir: runtime.config.policyDir,
    logger: runtime.logger,
    ...(settleMs === undefined ? {} : { settleMs }),
    revision: () => runtime.policies.revision,
    apply(set, compiled) {
      runtime.policySet = set;
      runtime.policies = compiled;
      runtime.pipeline.policies = compiled;
    },
  });
}
