/**
 * `linkgate <command>`: dispatch only. Each command lives in its own module, imported lazily so
 * that `linkgate validate` never loads undici, Azure SDKs or the HTTP host.
 */
import { LinkgateError } from '../errors/linkgate-error.js';
import { EXIT_OK, EXIT_USAGE, UsageError, isBrokenPipe, processIo, type CliIo, type CommandRun } from './io.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: CommandRun }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  validate: { summary: 'validate every policy; errors name file, JSON pointer and fix', load: () => import('./commands/validate.js') },
  test: { summary: 'run the policy test files (*.test.json); prints "N passed, N failed"', load: () => import('./commands/test.js') },
  explain: { summary: 'one decision with its full reasoning', load: () => import('./commands/explain.js') },
  evaluate: { summary: 'JSON Lines in, JSON Lines out: bulk what-if and benchmarks', load: () => import('./commands/evaluate.js') },
  serve: { summary: 'the local Event Grid webhook host (npm start)', load: () => import('./commands/serve.js') },
  demo: { summary: 'ARM emulator + host + sample events, prints the decisions (npm run demo)', load: () => import('./commands/demo.js') },
  plan: { summary: 'decisions that change if --policies replaces --base; exit 0 none, 1 some, 2 error', load: () => import('./commands/plan.js') },
  'export-connections': { summary: 'the live connections of governed targets as evaluate input lines (a snapshot for plan)', load: () => import('./commands/export-connections.js') },
  init: { summary: 'scaffold a policy, its tests and a pull-request workflow', load: () => import('./commands/init.js') },
  reconcile: { summary: 'one sweep against ARM, with a progress bar', load: () => import('./commands/reconcile.js') },
  audit: { summary: 'read the audit store: list | show | export', load: () => import('./commands/audit.js') },
  pending: { summary: 'the review queue: connections waiting for a person, with the last decision', load: () => import('./commands/pending.js') },
  approve: { summary: "a person's approval of one Pending connection, recorded with who and why", load: () => import('./commands/approve.js') },
  reject: { summary: "a person's rejection of one Pending connection, recorded with who and why", load: () => import('./commands/reject.js') },
  types: { summary: 'the provider resource types linkgate governs, with api-version and behaviour', load: () => import('./commands/types.js') },
  emulator: { summary: 'run the local ARM emulator (a test double of ARM)', load: () => import('./commands/emulator.js') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'linkgate: policy-driven approval of Azure Private Endpoint connections',
    '',
    'Usage: linkgate <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Common options:',
    '  --policies DIR  policy folder (default: $LINKGATE_POLICY_DIR or ./policies)',
    '  --help          help for a command, e.g. linkgate explain --help',
    '',
    'Exit codes: 0 success, 1 a failed check, 2 bad usage.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage() + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    const { packageVersion } = await import('./package-info.js');
    io.stdout.write((await packageVersion()) + '\n');
    return EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.stderr.write(`linkgate: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  try {
    // The CLI reads the same local.settings.json "Values" as Core Tools; the environment wins.
    const { withLocalSettings } = await import('../config/local-settings.js');
    return await withLocalSettings(io.env, io.cwd, (env) => command.run(rest, { ...io, env }));
  } catch (error) {
    // A write that failed because the reader went away (… | head -1): nothing to report.
    if (isBrokenPipe(error)) return EXIT_OK;
    if (error instanceof UsageError) {
      io.stderr.write(`linkgate ${name}: ${error.message}\nRun 'linkgate ${name} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LinkgateError) {
      io.stderr.write(`linkgate ${name}: ${error.message}\n${error.hint === undefined ? '' : `hint: ${error.hint}\n`}`);
      return error.exitCode;
    }
    throw error;
  }
}
