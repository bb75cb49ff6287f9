/** `linkgate types`: the provider resource types linkgate governs, with their api-version and how ARM answers for them. */
import { EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderTable } from '../render-table.js';

export const HELP = `Usage: linkgate types [--json]

Lists the provider resource types whose private endpoint connections linkgate governs, from its
table of facts taken from the public REST API specifications (src/arm/resource-type-data.ts):
the api-version it calls, how connections are listed and written, whether they carry an etag
(If-Match), the spelling of the actions field (or its absence), the request fields sent, how a
write finishes, and the statuses a type shows while a write is being carried out. Types whose
connections cannot be approved through ARM are listed too, with the reason.

Options:
  --json   one JSON array, an object per type
  --help   this help

Exit codes: 0 listed, 2 bad usage.
`;

const LRO_TEXT: Record<string, string> = {
  'azure-async-operation': 'Azure-AsyncOperation',
  'location-status': 'Location (status body)',
  'connection-url': 'connection URL itself',
  synchronous: 'synchronous (provisioningState)',
};

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const { RESOURCE_TYPE_LIST, requestFieldsOf } = await import('../../arm/resource-types.js');
  const rows = RESOURCE_TYPE_LIST.map((entry) => ({
    type: entry.type,
    apiVersion: entry.apiVersion,
    list: entry.list,
    action: entry.action,
    approvable: entry.action !== 'none',
    etag: entry.etag,
    actionsField: entry.actions,
    requestFields: requestFieldsOf(entry),
    longRunning: entry.lro,
    writeStatuses: [...entry.writes],
    transitionalStatuses: [...entry.transitional],
    ...(entry.note === undefined ? {} : { note: entry.note }),
  }));
  if (values.json === true) {
    io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const table = renderTable(
    ['type', 'api-version', 'list', 'write', 'etag', 'actions field', 'finishes by', 'transitional'],
    rows.map((row) => [
      row.type,
      row.apiVersion,
      row.list,
      row.approvable ? row.action : `none: ${row.note ?? 'not approvable'}`,
      row.etag ? 'yes' : 'no',
      row.actionsField,
      LRO_TEXT[row.longRunning] ?? row.longRunning,
      row.transitionalStatuses.join(', '),
    ]),
    100,
  );
  io.stdout.write(`${table}\n${rows.length} types (${rows.filter((r) => r.approvable).length} approvable through ARM)\n`);
  return EXIT_OK;
}
