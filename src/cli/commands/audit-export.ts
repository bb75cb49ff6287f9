/** `linkgate audit export`: every matching record as JSON Lines or CSV, streamed to stdout. */
import { csvHeader, recordToCsvRow, recordToJsonLine } from '../format-records.js';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { FILTER_HELP, FILTER_OPTIONS, queryFrom } from './audit-filters.js';
import { withReadOnlyStore, write } from './audit-store-session.js';

export const EXPORT_HELP = `Usage: linkgate audit export [--format jsonl|csv] [--since WHEN] [--decision D] [--target PATTERN]
                            [--policy NAME] [--limit N]

Writes audit records, newest first, to stdout: JSON Lines (default; one full record per line)
or CSV (RFC 4180, a header row; cells that a spreadsheet would run as formulas start with ';
a person's decision fills the principal and humanReason columns).

Options:
  --format F         jsonl (default) or csv
${FILTER_HELP}
  --limit N          at most N records (default: all)
  --help             this help
`;

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...FILTER_OPTIONS, format: { type: 'string' } });
  if (values.help === true) {
    io.stdout.write(EXPORT_HELP);
    return EXIT_OK;
  }
  const format = (values.format ?? 'jsonl').toLowerCase();
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format ${JSON.stringify(values.format)}: use jsonl or csv`);
  const query = queryFrom(values, undefined, new Date());
  await withReadOnlyStore(io, async (store) => {
    if (format === 'csv') await write(io.stdout, csvHeader());
    for await (const record of store.query(query)) {
      await write(io.stdout, format === 'csv' ? recordToCsvRow(record) : recordToJsonLine(record));
    }
  });
  return EXIT_OK;
}
