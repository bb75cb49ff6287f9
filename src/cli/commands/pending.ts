/**
 * `linkgate pending [--target ID] [--json]`: the review queue, read live from ARM through the
 * sweep's discovery (LINKGATE_SWEEP_SCOPES, LINKGATE_SWEEP_TARGETS) or one `--target`, joined
 * with the audit store (src/review/list-pending.ts).
 */
import type { ArmConnection } from '../../arm/types.js';
import { readConfig } from '../../config/read-config.js';
import { parseArmId, type ArmId } from '../../ids/arm-id.js';
import { createLogger } from '../../log/create-logger.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderTable } from '../render-table.js';
import { auditStoreConfig, write } from './audit-store-session.js';

export const HELP = `Usage: linkgate pending [--target ID] [--json] [--policies DIR]

The review queue: every connection still Pending on a governed target, read live from ARM, with
its consumer, request message, how long it has waited and the last decision with all its
reasons (connections nothing has decided yet are listed too, with the reasons today's policies
give). Only targets an enforce policy governs have a queue (audit-mode policies never decide).
'waitingSince' is when linkgate first recorded the Pending state; ARM keeps no request time, so
it is null until an event or sweep has seen it. Targets come from
LINKGATE_SWEEP_SCOPES (Resource Graph) and LINKGATE_SWEEP_TARGETS, as the sweep finds them, or
from --target. Decide one with 'linkgate approve|reject CONNECTION_ID --reason TEXT'.

Options:
  --target ID      one provider resource ID instead of the sweep's discovery
  --json           print a JSON array (connectionId, target, consumerSubscriptionId,
                   consumerTenantId, requestMessage, waitingSince, lastDecision, reasons)
  --policies DIR   policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --help           this help

Exit codes: 0 listed, 1 some targets could not be read, 2 bad usage or configuration.
`;

function waited(since: string | null, now: Date): string {
  if (since === null) return 'not decided yet';
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(minutes / 1440)}d`;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { target: { type: 'string' }, json: { type: 'boolean' }, policies: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const env = { ...io.env };
  if (values.policies !== undefined) env['LINKGATE_POLICY_DIR'] = values.policies;
  const config = readConfig(env);
  let only: ArmId | undefined;
  if (values.target !== undefined) {
    const parsed = parseArmId(values.target);
    if (!parsed.ok || parsed.id.provider === undefined) throw new UsageError(`--target ${JSON.stringify(values.target)}: not a provider resource ID${parsed.ok ? '' : ` (${parsed.error})`}`);
    only = parsed.id;
  } else if (config.sweep.scopes.length === 0 && config.sweep.extraTargets.length === 0) {
    throw new UsageError('nowhere to look: set LINKGATE_SWEEP_SCOPES or LINKGATE_SWEEP_TARGETS, or pass --target ID');
  }
  const logger = createLogger({ level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn', destination: { write: (line: string) => void io.stderr.write(line) } });
  const [{ createRuntime }, { findSweepTargets }, { listPending }, { buildCase }, { evaluateWithDetail }, { createInvocationCaches }] = await Promise.all([
    import('../../runtime/create-runtime.js'),
    import('../../sweep/find-sweep-targets.js'),
    import('../../review/list-pending.js'),
    import('../../pipeline/build-case.js'),
    import('../../policy/evaluate.js'),
    import('../../pipeline/invocation-caches.js'),
  ]);
  const runtime = await createRuntime({ ...config, audit: auditStoreConfig(io, config) }, { logger });
  try {
    // Audit-mode policies shadow, they never decide (DESIGN §2.1): only enforce-governed targets have a queue.
    const governs = (key: string): boolean => runtime.policies.plan(key).enforce.length > 0;
    if (only !== undefined && !governs(only.key)) {
      const why = runtime.policies.governs(only.key) ? 'only audit-mode policies govern it, and they never decide' : 'no policy governs it';
      throw new UsageError(`--target ${JSON.stringify(values.target)}: ${why}`);
    }
    const targets = only !== undefined ? [only] : (await findSweepTargets(runtime.arm, config.sweep.scopes, config.sweep.extraTargets, governs)).targets.map((t) => t.target);
    const caseDeps = { ...runtime.pipeline, caches: createInvocationCaches() };
    const evaluateNow = async (target: ArmId, connection: ArmConnection, siblings: ArmConnection[]): Promise<{ reasons: string[] }> => {
      const { evaluationCase } = await buildCase(target, connection, siblings, caseDeps);
      const { decision } = evaluateWithDetail(runtime.policies, evaluationCase);
      return { reasons: decision.reasons };
    };
    const list = await listPending(targets, { arm: runtime.arm, store: runtime.store, concurrency: config.concurrency, evaluateNow });
    if (values.json === true) {
      await write(io.stdout, JSON.stringify(list.pending, null, 2) + '\n');
    } else if (list.pending.length === 0) {
      io.stderr.write(`nothing waits for review on ${targets.length} governed target${targets.length === 1 ? '' : 's'}\n`);
    } else {
      const now = new Date();
      const rows = list.pending.map((p) => [
        p.connectionId.split('/').at(-1) ?? p.connectionId,
        p.target.split('/').at(-1) ?? p.target,
        p.consumerSubscriptionId ?? '-',
        p.requestMessage,
        waited(p.waitingSince, now),
        p.lastDecision === null ? '-' : `${p.lastDecision.decision}${p.lastDecision.policy === null ? '' : ` (${p.lastDecision.policy})`}`,
        p.reasons.join('; '),
      ]);
      await write(io.stdout, renderTable(['connection', 'target', 'consumer', 'request message', 'waiting', 'last decision', 'reasons'], rows, 60) + '\n');
      io.stderr.write(`${list.pending.length} waiting; 'linkgate pending --json' for full IDs\n`);
    }
    for (const error of list.errors) io.stderr.write(`linkgate pending: ${error.target}: ${error.error}\n`);
    return list.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await runtime.close();
  }
}
