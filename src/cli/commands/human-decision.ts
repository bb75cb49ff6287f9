/**
 * `linkgate approve|reject CONNECTION_ID --reason TEXT [--as NAME] [--override] [--dry-run]`:
 * one person's decision, carried out once and recorded with who decided and why
 * (src/review/decide-by-hand.ts). Shared by approve.ts and reject.ts.
 */
import { readConfig } from '../../config/read-config.js';
import { targetOfConnectionId } from '../../ids/arm-id.js';
import { createLogger } from '../../log/create-logger.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { escapeForTerminal } from '../render-table.js';
import { auditStoreConfig } from './audit-store-session.js';

/** Long enough for a change ticket and a sentence; the ARM description keeps only its first part. */
const MAX_REASON_LENGTH = 1_000;

export function helpFor(verdict: 'approve' | 'reject'): string {
  const verb = verdict === 'approve' ? 'Approves' : 'Rejects';
  return `Usage: linkgate ${verdict} CONNECTION_ID --reason TEXT [--as NAME]${verdict === 'approve' ? ' [--override]' : ''} [--dry-run] [--json]

${verb} one Pending private endpoint connection as a person's decision, through the same
exactly-once path as the daemon (claim, write to ARM, complete the audit record). The record
carries trigger {type: "human", principal, reason} and what the policies say today; the reason
is written into the connection's description on ARM (capped at 140 characters).

The principal is taken from the ARM token's claims (upn, unique_name, appid, oid: az login
or a managed identity), else from --as; with neither the command refuses.

Options:
  --reason TEXT    why (required): a change ticket, who asked, what was checked
  --as NAME        who is deciding, when the ARM token does not say (e.g. a static emulator token)
${verdict === 'approve' ? "  --override       approve even though a policy rejects it explicitly (deny or visibility);\n                   recorded in the audit trail\n" : ''}  --dry-run        check everything and show what would be written; write nothing
  --json           print the outcome as JSON
  --policies DIR   policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --help           this help

Exit codes: 0 done, 1 refused (not Pending, explicit reject, no principal, …) or the write
failed, 2 bad usage or configuration.
`;
}

export async function runHumanDecision(verdict: 'approve' | 'reject', args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      reason: { type: 'string' },
      as: { type: 'string' },
      override: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      policies: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help === true) {
    io.stdout.write(helpFor(verdict));
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `${verdict} needs a CONNECTION_ID` : `${verdict} takes one CONNECTION_ID`);
  const connectionId = positionals[0] as string;
  // A malformed ID is bad usage (exit 2, DESIGN §3), told before touching ARM or the store.
  const parsedId = targetOfConnectionId(connectionId);
  if (!parsedId.ok) throw new UsageError(`${JSON.stringify(connectionId)} is not a private endpoint connection ID (${parsedId.error}); copy the connectionId from \`linkgate pending --json\``);
  const reason = values.reason?.trim() ?? '';
  if (reason === '') throw new UsageError('--reason TEXT is required: say why (a change ticket, who asked, what was checked)');
  if (reason.length > MAX_REASON_LENGTH) throw new UsageError(`--reason is ${reason.length} characters; keep it under ${MAX_REASON_LENGTH}`);
  if (values.override === true && verdict === 'reject') throw new UsageError('--override is for approve only');
  const env = { ...io.env };
  if (values.policies !== undefined) env['LINKGATE_POLICY_DIR'] = values.policies;
  const config = readConfig(env);
  const logger = createLogger({ level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn', destination: { write: (line: string) => void io.stderr.write(line) } });

  const [{ resolvePrincipal }, { decideByHand }, { createRuntime }, { createInvocationCaches }] = await Promise.all([
    import('../../review/resolve-principal.js'),
    import('../../review/decide-by-hand.js'),
    import('../../runtime/create-runtime.js'),
    import('../../pipeline/invocation-caches.js'),
  ]);
  const who = await resolvePrincipal(config, values.as);
  if (who.source === 'token' && values.as !== undefined && values.as.trim() !== who.principal) {
    io.stderr.write(`linkgate ${verdict}: recording the ARM token's principal ${escapeForTerminal(who.principal)}, not --as ${escapeForTerminal(values.as)}\n`);
  }
  const runtime = await createRuntime({ ...config, audit: auditStoreConfig(io, config) }, { logger });
  try {
    const outcome = await decideByHand(
      { connectionId, verdict, reason, principal: who.principal, override: values.override === true, dryRun: values['dry-run'] === true },
      { ...runtime.pipeline, caches: createInvocationCaches() },
    );
    const { record } = outcome;
    if (values.json === true) {
      io.stdout.write(JSON.stringify({ result: outcome.result, description: outcome.description, policies: { decision: outcome.policies.decision, policy: outcome.policies.policy, reasons: outcome.policies.reasons }, record }, null, 2) + '\n');
    } else {
      const done = outcome.result === 'dryRun' ? `dry run: would ${verdict}` : outcome.result === 'failed' ? `${verdict} FAILED` : outcome.result;
      io.stdout.write(
        [
          `${done}: ${escapeForTerminal(record.connectionId)}`,
          `  by ${escapeForTerminal(who.principal)} (${who.source === 'token' ? 'from the ARM token' : '--as'}): ${escapeForTerminal(reason)}`,
          `  the policies say: ${outcome.policies.decision}${outcome.policies.policy === null ? '' : ` (${outcome.policies.policy})`}`,
          `  description on ARM: ${escapeForTerminal(outcome.description)}`,
          outcome.result === 'dryRun' ? '  nothing written' : `  audit record ${record.id}`,
        ].join('\n') + '\n',
      );
    }
    return outcome.result === 'failed' ? EXIT_FAILED : EXIT_OK;
  } finally {
    await runtime.close();
  }
}
