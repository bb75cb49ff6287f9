/** `linkgate plan`: which decisions change if the policies in --policies replace those in --base. */
import path from 'node:path';
import { LinkgateError, messageOf } from '../../errors/linkgate-error.js';
import type { PlanResult } from '../../plan/render-plan.js';
import type { EvaluationCase } from '../../policy/types.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';

export const HELP = `Usage: linkgate plan --base DIR [--policies DIR] (--connections FILE | --live) [--format text|json|markdown]

What changes if the policies in --policies (the pull request's) replace those in --base (main's),
over a set of connections: each is decided by both sets as if it were Pending now, and every
connection whose decision differs is listed, before → after and why, then totals: newly approved,
newly rejected, left for manual review, no longer governed; Approved connections the new policies
would reject (revocable by drift), Rejected ones they would approve.

Connections come from a snapshot (--connections FILE, '-' for stdin: JSON Lines in evaluate's
input format, as linkgate export-connections writes it), or are read live from ARM (--live:
the sweep's discovery over LINKGATE_SWEEP_SCOPES and LINKGATE_SWEEP_TARGETS; needs Azure access).

Options:
  --base DIR          the policies to compare against (e.g. a checkout of main)
  --policies DIR      the new policies (default: $LINKGATE_POLICY_DIR or ./policies)
  --connections FILE  a connections snapshot (JSON Lines); '-' reads stdin
  --live              read the connections from ARM instead
  --format FORMAT     text (default) | json | markdown (a pull-request comment or job summary)
  --help              this help

Exit codes (terraform plan -detailed-exitcode's idea, in linkgate's numbering where 2 is an error):
  0 no decision changes, 1 some do, 2 an error (bad usage, invalid policies, unreadable input lines).
`;

const FORMATS = ['text', 'json', 'markdown'] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    base: { type: 'string' },
    policies: { type: 'string' },
    connections: { type: 'string' },
    live: { type: 'boolean' },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  if (values.base === undefined) throw new UsageError('--base DIR is required: the policies to compare against');
  if ((values.connections === undefined) === (values.live !== true)) throw new UsageError('give exactly one of --connections FILE and --live');
  try {
    return await plan(io, { base: values.base, head: policyDir(values.policies, io), connections: values.connections, format: format as (typeof FORMATS)[number] });
  } catch (error) {
    // Every failure is exit 2, so CI tells "the plan has changes" (1) from "there is no plan".
    if (error instanceof UsageError) throw error;
    const hint = error instanceof LinkgateError && error.hint !== undefined ? `hint: ${error.hint}\n` : '';
    io.stderr.write(`linkgate plan: ${messageOf(error)}\n${hint}`);
    return EXIT_USAGE;
  }
}

async function plan(io: CliIo, options: { base: string; head: string; connections: string | undefined; format: 'text' | 'json' | 'markdown' }): Promise<number> {
  const [{ loadPolicySetOrThrow, PolicyLoadError, formatPolicyError }, { compilePolicies }, { planChange, emptyTotals, addToTotals }, render] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../plan/plan-changes.js'),
    import('../../plan/render-plan.js'),
  ]);
  // Each side's errors name the option that chose its folder, not the loader's generic --policies.
  const load = async (dir: string, option: '--base' | '--policies') => {
    try {
      return compilePolicies(await loadPolicySetOrThrow(path.resolve(io.cwd, dir)));
    } catch (error) {
      if (!(error instanceof PolicyLoadError)) throw error;
      const errors = error.errors.map((e) => (e.pointer === '' && path.resolve(io.cwd, e.file) === path.resolve(io.cwd, dir) ? { ...e, fix: `check ${option} ${dir}: it must name a folder of policy files${option === '--base' ? ' (the policies to compare against, e.g. a checkout of main)' : ''}` } : e));
      throw new LinkgateError(`${option} ${dir}: ${errors.length} policy error(s):\n${errors.map(formatPolicyError).join('\n')}`, { code: 'PolicyInvalid', hint: `run 'linkgate validate --policies ${dir}' and fix every error listed` });
    }
  };
  const base = await load(options.base, '--base');
  const head = await load(options.head, '--policies');
  const result: PlanResult = { base: options.base, head: options.head, source: options.connections ?? 'live from ARM', changes: [], totals: emptyTotals(), errors: [] };
  const consider = (input: EvaluationCase): void => {
    const change = planChange(base, head, input);
    addToTotals(result.totals, change);
    if (change !== undefined) result.changes.push(change);
  };
  if (options.connections !== undefined) {
    const { openSnapshot, readSnapshot } = await import('../../plan/read-snapshot.js');
    for await (const line of readSnapshot(await openSnapshot(path.resolve(io.cwd, options.connections), io.stdin))) {
      if ('error' in line) result.errors.push(line.error);
      else consider(line.case);
    }
  } else {
    const { withLiveArm } = await import('../live-arm.js');
    await withLiveArm(io, options.head, async (arm, config) => {
      const { readLiveConnections } = await import('../../plan/read-live-connections.js');
      const governs = (key: string): boolean => base.governs(key) || head.governs(key);
      for await (const input of readLiveConnections(arm, { scopes: config.sweep.scopes, extraTargets: config.sweep.extraTargets, governs })) consider(input);
    });
  }
  if (options.format === 'json') io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (options.format === 'markdown') io.stdout.write(render.renderPlanMarkdown(result));
  else {
    const { renderTable } = await import('../render-table.js');
    io.stdout.write(render.renderPlanText(result, renderTable));
  }
  if (result.errors.length > 0) {
    io.stderr.write(`linkgate plan: ${result.errors.length} input line(s) could not be read; the plan is incomplete\n`);
    return EXIT_USAGE;
  }
  return result.totals.changed > 0 ? EXIT_FAILED : EXIT_OK;
}
