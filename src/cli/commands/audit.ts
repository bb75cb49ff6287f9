/**
 * `linkgate audit list|show|export`: reads the audit store named by the configuration (the JSON
 * Lines file or Table Storage, DESIGN §4), read-only. Each subcommand lives in its own file.
 */
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { runExport } from './audit-export.js';
import { runList } from './audit-list.js';
import { runShow } from './audit-show.js';

export const HELP = `Usage: linkgate audit <command> [options]

Reads the audit store: every decision linkgate took, every decision a person took with
'linkgate approve|reject' (who and why), every one found made outside linkgate, its reasons and
what ARM answered. The store comes from the configuration: LINKGATE_AUDIT_STORE=file
(LINKGATE_AUDIT_PATH, default .linkgate/audit.jsonl) or table (LINKGATE_AUDIT_TABLE_CONNECTION,
LINKGATE_AUDIT_TABLE).

Commands:
  list     the latest records as a table (--json for JSON)
  show ID  one record in full
  export   all matching records as JSON Lines or CSV, to stdout

Run 'linkgate audit <command> --help' for a command's options.
Exit codes: 0 success, 1 no such record or the store failed, 2 bad usage or configuration.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'list':
      return runList(rest, io);
    case 'show':
      return runShow(rest, io);
    case 'export':
      return runExport(rest, io);
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
