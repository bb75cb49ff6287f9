/**
 * `linkgate audit list|show|export`: reads the audit store named by the configuration (the JSON
 * Lines file or Table Storage, DESIGN §4), read-only: it never creates a file, folder or table.
 */
import { once } from 'node:events';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { csvHeader, recordToCsvRow, recordToJsonLine, SUMMARY_HEADERS, summaryRow, describeTrigger } from '../../audit/format-records.js';
import { parseSince } from '../../audit/parse-since.js';
import type { AuditQuery, AuditRecord, AuditStore } from '../../audit/types.js';
import { readConfig, type LinkgateConfig } from '../../config/read-config.js';
import { createLogger } from '../../log/create-logger.js';
import type { DecisionKind } from '../../policy/types.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { escapeForTerminal, renderTable } from '../render-table.js';

const FILTER_HELP = `  --since WHEN       only records at or after WHEN: a duration back from now (30s, 15m, 24h,
                     7d, 2w) or an ISO date/time (2024-05-01, 2024-05-01T10:00:00Z; UTC unless
                     an offset is given)
  --decision D       approve | reject | manual | ignore
  --target PATTERN   provider resource ID pattern ('*' one segment, '**' any; case-insensitive)
  --policy NAME      the deciding policy`;

export const LIST_HELP = `Usage: linkgate audit list [--since WHEN] [--decision D] [--target PATTERN] [--policy NAME]
                          [--limit N] [--json]

Lists audit records, newest first, as a table (or a JSON array with --json).

Options:
${FILTER_HELP}
  --limit N          at most N records (default 50)
  --json             print the full records as a JSON array
  --help             this help
`;

export const SHOW_HELP = `Usage: linkgate audit show ID [--json]

Shows one audit record in full. Exit 1 when no record has that id.

Options:
  --json   print the record as JSON
  --help   this help
`;

export const EXPORT_HELP = `Usage: linkgate audit export [--format jsonl|csv] [--since WHEN] [--decision D] [--target PATTERN]
                            [--policy NAME] [--limit N]

Writes audit records, newest first, to stdout: JSON Lines (default; one full record per line)
or CSV (RFC 4180, a header row; cells that a spreadsheet would run as formulas start with ').

Options:
  --format F         jsonl (default) or csv
${FILTER_HELP}
  --limit N          at most N records (default: all)
  --help             this help
`;

export const HELP = `Usage: linkgate audit <command> [options]

Reads the audit store: every decision linkgate took, its reasons and what ARM answered.
The store comes from the configuration: LINKGATE_AUDIT_STORE=file (LINKGATE_AUDIT_PATH,
default .linkgate/audit.jsonl) or table (LINKGATE_AUDIT_TABLE_CONNECTION, LINKGATE_AUDIT_TABLE).

Commands:
  list     the latest records as a table (--json for JSON)
  show ID  one record in full
  export   all matching records as JSON Lines or CSV, to stdout

Run 'linkgate audit <command> --help' for a command's options.
Exit codes: 0 success, 1 no such record or the store failed, 2 bad usage or configuration.
`;

const DECISIONS: readonly DecisionKind[] = ['approve', 'reject', 'manual', 'ignore'];
const DEFAULT_LIST_LIMIT = 50;
const MAX_LIMIT = 1_000_000;

const FILTER_OPTIONS = {
  since: { type: 'string' },
  decision: { type: 'string' },
  target: { type: 'string' },
  policy: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs node:util parseArgs, turning its errors into UsageError (exit 2). */
function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function queryFrom(values: { since?: string | boolean; decision?: string | boolean; target?: string | boolean; policy?: string | boolean; limit?: string | boolean }, defaultLimit: number | undefined): AuditQuery {
  const query: AuditQuery = {};
  if (typeof values.since === 'string') {
    try {
      query.since = parseSince(values.since, new Date());
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (typeof values.decision === 'string') {
    const decision = values.decision.toLowerCase();
    if (!(DECISIONS as readonly string[]).includes(decision)) {
      throw new UsageError(`--decision ${JSON.stringify(values.decision)}: use one of ${DECISIONS.join(', ')}`);
    }
    query.decision = decision as DecisionKind;
  }
  if (typeof values.target === 'string') query.target = values.target;
  if (typeof values.policy === 'string') query.policy = values.policy;
  if (typeof values.limit === 'string') {
    const limit = Number(values.limit);
    if (!/^\d+$/u.test(values.limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit ${JSON.stringify(values.limit)}: use a whole number from 1 to ${MAX_LIMIT}`);
    query.limit = limit;
  } else if (defaultLimit !== undefined) {
    query.limit = defaultLimit;
  }
  return query;
}

/** Writes and waits for the stream to drain, so a long export never buffers the whole store. */
async function write(stream: CliIo['stdout'], text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function withStore<T>(io: CliIo, use: (store: AuditStore) => Promise<T>): Promise<T> {
  const config = readConfig(io.env);
  const audit: LinkgateConfig['audit'] =
    config.audit.kind === 'file' && !isAbsolute(config.audit.path) ? { kind: 'file', path: resolve(io.cwd, config.audit.path) } : config.audit;
  // Warnings (e.g. a torn last line) go to stderr, so stdout stays clean for pipes.
  const logger = createLogger({ level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn', destination: { write: (line: string) => void io.stderr.write(line) } });
  const { openAuditStore } = await import('../../audit/open-audit-store.js');
  const store = await openAuditStore(audit, { logger, readOnly: true });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values } = parsing(() => parseArgs({ args, options: { ...FILTER_OPTIONS, json: { type: 'boolean' } }, strict: true }));
  if (values.help === true) {
    io.stdout.write(LIST_HELP);
    return EXIT_OK;
  }
  const query = queryFrom(values, DEFAULT_LIST_LIMIT);
  const records = await withStore(io, async (store) => {
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

function detailRows(record: AuditRecord): string[][] {
  const rows: string[][] = [
    ['id', record.id],
    ['time', record.time],
    ['kind', record.kind ?? 'decision'],
    ['trigger', describeTrigger(record.trigger)],
    ['target', record.target],
    ['connection', record.connectionId],
    ['private endpoint', record.privateEndpointId],
    ['consumer subscription', record.consumerSubscriptionId],
  ];
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

async function show(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsing(() =>
    parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }),
  );
  if (values.help === true) {
    io.stdout.write(SHOW_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'show needs a record ID' : 'show takes one record ID');
  const id = positionals[0] as string;
  const record = await withStore(io, (store) => store.get(id));
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

async function exportRecords(args: string[], io: CliIo): Promise<number> {
  const { values } = parsing(() => parseArgs({ args, options: { ...FILTER_OPTIONS, format: { type: 'string' } }, strict: true }));
  if (values.help === true) {
    io.stdout.write(EXPORT_HELP);
    return EXIT_OK;
  }
  const format = (values.format ?? 'jsonl').toLowerCase();
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format ${JSON.stringify(values.format)}: use jsonl or csv`);
  const query = queryFrom(values, undefined);
  await withStore(io, async (store) => {
    if (format === 'csv') await write(io.stdout, csvHeader());
    for await (const record of store.query(query)) {
      await write(io.stdout, format === 'csv' ? recordToCsvRow(record) : recordToJsonLine(record));
    }
  });
  return EXIT_OK;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'list':
      return list(rest, io);
    case 'show':
      return show(rest, io);
    case 'export':
      return exportRecords(rest, io);
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(HELP);
      return EXIT_OK;
    case undefined:
      throw new UsageError('missing command: list, show or export');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}: use list, show or export`);
  }
}
