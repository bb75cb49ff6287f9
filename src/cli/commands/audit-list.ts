/** `linkgate audit list`: the latest audit records as a table, or a JSON array. */
import type { AuditRecord } from '../../audit/types.js';
import { SUMMARY_HEADERS, summaryRow } from '../format-records.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { renderTable } from '../render-table.js';
import { FILTER_HELP, FILTER_OPTIONS, queryFrom } from './audit-filters.js';
import { withReadOnlyStore, write } from './audit-store-session.js';

export const LIST_HELP = `Usage: linkgate audit list [--since WHEN] [--decision D] [--target PATTERN] [--policy NAME]
                          [--limit N] [--json]

Lists audit records, newest first, as a table (or a JSON array with --json). A person's
decision shows who made it (approve (alice)); one made outside linkgate shows (observed).

Options:
${FILTER_HELP}
  --limit N          at most N records (default 50)
  --json             print the full records as a JSON array
  --help             this help
`;

const DEFAULT_LIST_LIMIT = 50;

export async function runList(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...FILTER_OPTIONS, json: { type: 'boolean' } });
  if (values.help === true) {
    io.stdout.write(LIST_HELP);
    return EXIT_OK;
  }
  const query = queryFrom(values, DEFAULT_LIST_LIMIT, new Date());
  const records = await withReadOnlyStore(io, async (store) => {
    const found: AuditRecord[] = [];
    for await (const record of store.query(query)) found.push(record);
    return found;
  });
  if (values.json === true) {
    await write(io.stdout, JSON.stringify(records, null, 2) + '\n');
    return EXIT_OK;
  }
  if (records.length === 0) {
    io.stderr.write('no audit records match\n');
    return EXIT_OK;
  }
  await write(io.stdout, renderTable(SUMMARY_HEADERS, records.map(summaryRow), 60) + '\n');
  const more = query.limit !== undefined && records.length >= query.limit ? ` (the first ${query.limit}; --limit N for more)` : '';
  io.stderr.write(`${records.length} record${records.length === 1 ? '' : 's'}, newest first${more}\n`);
  return EXIT_OK;
}
