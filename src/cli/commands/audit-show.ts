/** `linkgate audit show ID`: one audit record in full, including who decided and why for a person's decision. */
import type { AuditRecord } from '../../audit/types.js';
import { describeTrigger, humanOf } from '../format-records.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { escapeForTerminal, renderTable } from '../render-table.js';
import { withReadOnlyStore, write } from './audit-store-session.js';

export const SHOW_HELP = `Usage: linkgate audit show ID [--json]

Shows one audit record in full. Exit 1 when no record has that id.

Options:
  --json   print the record as JSON
  --help   this help
`;

function detailRows(record: AuditRecord): string[][] {
  const rows: string[][] = [
    ['id', record.id],
    ['time', record.time],
    ['kind', record.kind ?? 'decision'],
    ['trigger', describeTrigger(record.trigger)],
  ];
  const human = humanOf(record.trigger);
  if (human !== undefined) {
    rows.push(['decided by', human.principal], ['their reason', human.reason]);
    if (human.override) rows.push(['override', "yes: approved against a policy's explicit reject"]);
  }
  rows.push(
    ['target', record.target],
    ['connection', record.connectionId],
    ['private endpoint', record.privateEndpointId],
    ['consumer subscription', record.consumerSubscriptionId],
  );
  if (record.consumerTenantId !== undefined) rows.push(['consumer tenant', record.consumerTenantId]);
  if (record.subnetId !== undefined) rows.push(['subnet', record.subnetId]);
  if (record.ipAddresses !== undefined) rows.push(['ip addresses', record.ipAddresses.join(', ')]);
  rows.push(
    ['request message', record.requestMessage],
    ['previous status', record.previousStatus],
    ['decision', record.decision],
    ['enforced', String(record.enforced)],
    ['policy', record.policy ?? '-'],
  );
  record.reasons.forEach((reason, i) => rows.push([i === 0 ? 'reasons' : '', reason]));
  for (const shadow of record.shadow) rows.push(['shadow', `${shadow.policy}: ${shadow.decision} (${shadow.reasons.join('; ')})`]);
  rows.push(['policy revision', record.policyRevision], ['action', record.action.status]);
  if (record.action.httpStatus !== undefined) rows.push(['http status', String(record.action.httpStatus)]);
  if (record.action.armRequestId !== undefined) rows.push(['arm request id', record.action.armRequestId]);
  if (record.action.error !== undefined) rows.push(['error', record.action.error]);
  rows.push(['duration', `${record.durationMs} ms`], ['idempotency key', record.idempotencyKey]);
  if (record.leaseUntil !== undefined) rows.push(['lease until', record.leaseUntil]);
  return rows;
}

export async function runShow(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(SHOW_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'show needs a record ID' : 'show takes one record ID');
  const id = positionals[0] as string;
  const record = await withReadOnlyStore(io, (store) => store.get(id));
  if (record === undefined) {
    io.stderr.write(`linkgate audit show: no audit record with id ${escapeForTerminal(JSON.stringify(id))}\n`);
    return EXIT_FAILED;
  }
  if (values.json === true) {
    await write(io.stdout, JSON.stringify(record, null, 2) + '\n');
    return EXIT_OK;
  }
  // Long cells (reasons, IDs) are shown whole: this view is for reading one record.
  const table = renderTable(['field', 'value'], detailRows(record), 100_000).split('\n').slice(2).join('\n');
  await write(io.stdout, table + '\n');
  return EXIT_OK;
}
