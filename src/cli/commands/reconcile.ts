/**
 * `linkgate reconcile`: one sweep against ARM from the command line — the same code the timer
 * function runs — with a progress bar and a summary table (or JSON).
 */
import { readConfig } from '../../config/read-config.js';
import { createLogger } from '../../log/create-logger.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { createProgress } from '../progress.js';
import { renderTable } from '../render-table.js';

export const HELP = `Usage: linkgate reconcile [--dry-run] [--yes] [--revoke] [--json] [--policies DIR]

One sweep: finds every governed provider resource with private endpoint connections in
LINKGATE_SWEEP_SCOPES (Resource Graph) and LINKGATE_SWEEP_TARGETS, decides every Pending
connection as events would, and reports drift (Approved connections the policies would reject,
Rejected ones they would approve).

On a terminal, without --dry-run, it first shows the plan (each connection it would approve or
reject, and how many Pending connections are manual, audit-only or ungoverned) and asks before
writing to ARM; --yes skips the question (scripts, and anything not on a terminal, never ask).
In the totals every Pending connection is counted in exactly one column.

Options:
  --dry-run        decide and record with enforced=false; write nothing to ARM
  --yes            do not ask before writing to ARM
  --revoke         act on drift (same as LINKGATE_SWEEP_REVOKE=true)
  --json           print the summary as JSON (no progress bar)
  --policies DIR   policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --help           this help

Exit codes: 0 done, 1 some targets failed or some decisions are not complete (released for a
retry after a write that did not land, or claimed and unfinished; see the errors), 2 bad usage
or configuration.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
      'dry-run': { type: 'boolean' },
      revoke: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
      policies: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const env = { ...io.env };
  if (values['dry-run'] === true) env['LINKGATE_DRY_RUN'] = 'true';
  if (values.revoke === true) env['LINKGATE_SWEEP_REVOKE'] = 'true';
  if (values.policies !== undefined) env['LINKGATE_POLICY_DIR'] = values.policies;
  const config = readConfig(env);
  if (config.sweep.scopes.length === 0 && config.sweep.extraTargets.length === 0) {
    throw new UsageError('nothing to sweep: set LINKGATE_SWEEP_SCOPES (subscription GUIDs or mg:<group>) or LINKGATE_SWEEP_TARGETS');
  }
  // Logs go to stderr at warn and above so the table stays readable, around the progress bar.
  const progress = values.json === true ? undefined : createProgress(io.stderr, 'reconcile');
  const logger = createLogger({
    level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn',
    destination: { write: (line: string) => (progress === undefined ? void io.stderr.write(line) : progress.log(line)) },
  });
  const [{ createRuntime }, { runSweep }] = await Promise.all([import('../../runtime/create-runtime.js'), import('../../sweep/run-sweep.js')]);
  const runtime = await createRuntime(config, {
    logger,
    ...(io.now === undefined ? {} : { now: io.now }),
    ...(io.armClock === undefined ? {} : { armOptions: { now: io.armClock.now, sleep: io.armClock.sleep } }),
  });
  try {
    if (!config.dryRun && values.json !== true && values.yes !== true) {
      const { confirmReconcile, isInteractive } = await import('../confirm-reconcile.js');
      if (isInteractive(io) && !(await confirmReconcile(io, runtime.arm, runtime.policies, config.sweep))) {
        io.stdout.write('nothing done\n');
        return EXIT_OK;
      }
    }
    const summary = await runSweep(runtime, {
      logger,
      revoke: config.sweep.revoke,
      ...(progress === undefined ? {} : { onProgress: (done: number, total: number) => progress.update(done, total) }),
    });
    progress?.finish();
    if (values.json === true) {
      io.stdout.write(JSON.stringify({ dryRun: config.dryRun, revoke: config.sweep.revoke, ...summary }, null, 2) + '\n');
    } else {
      const t = summary.totals;
      // A dry run writes nothing, so its table shows what the policies would have done.
      const [approveHeader, rejectHeader, approvals, rejections] = config.dryRun ? ['would approve', 'would reject', t.wouldApprove, t.wouldReject] : ['approved', 'rejected', t.approved, t.rejected];
      io.stdout.write(
        renderTable(
          ['targets', 'connections', 'pending', approveHeader, rejectHeader, 'manual', 'audit-only', 'ungoverned', 'owned', 'failed', 'released', 'stranded', 'drift', 'errors'],
          [[t.targets, t.connections, t.pending, approvals, rejections, t.manual, t.auditOnly, t.ungoverned, t.owned, t.failed, t.released, t.stranded, t.drift, t.errors].map(String)],
        ) + '\n',
      );
      if (config.dryRun) io.stdout.write('dry run: decisions recorded with enforced=false, nothing written to ARM\n');
      if (summary.observed > 0) io.stdout.write(`${summary.observed} connection(s) left for manual review were decided outside linkgate; recorded as observed (linkgate audit list)\n`);
      if (summary.drift.length > 0) {
        io.stdout.write(`\ndrift (${config.sweep.revoke && !config.dryRun ? 'acted on' : 'reported only; --revoke acts on it'}):\n`);
        io.stdout.write(
          renderTable(
            ['connection', 'status', 'policy says', 'policy', 'action', 'reason'],
            summary.drift.map((d) => [d.connectionId.split('/').slice(-3).join('/'), d.status, d.decision, d.policy ?? '', d.action, d.reasons[0] ?? '']),
          ) + '\n',
        );
      }
      for (const error of summary.errors.slice(0, 20)) io.stdout.write(`error: ${error}\n`);
    }
    return summary.totals.errors > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    // Idempotent: ends the bar's line before an error message too.
    progress?.finish();
    await runtime.close();
  }
}
