/** `linkgate validate`: every policy checked against the schema and the rules a schema cannot express. */
import path from 'node:path';
import { EXIT_FAILED, EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';

export const HELP = `Usage: linkgate validate [--policies DIR] [--json]

Validates every policy file (DIR/*.json, not *.test.json) against policies/schema/policy.schema.json
and the rules a schema cannot express: unique names, autoApproval within visibility, GUIDs, CIDRs,
safe regexes, ARM ID patterns. Each error names the file, the JSON pointer and what to change.

Options:
  --policies DIR  policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --json          machine-readable result: {"ok", "files", "revision", "errors"}
  --help          this help

Exit codes: 0 valid, 1 invalid, 2 bad usage or missing folder.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { policies: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const { loadPolicies, formatPolicyError } = await import('../../policy/load-policies.js');
  const dir = policyDir(values.policies, io);
  const result = await loadPolicies(path.resolve(io.cwd, dir));
  const files = result.files.map((f) => path.relative(io.cwd, f));
  const errors = result.ok ? [] : result.errors.map((e) => ({ ...e, file: path.relative(io.cwd, e.file) }));
  if (values.json === true) {
    io.stdout.write(JSON.stringify({ ok: result.ok, files, revision: result.ok ? result.set.revision : null, errors }) + '\n');
    return result.ok ? EXIT_OK : EXIT_FAILED;
  }
  if (!result.ok) {
    for (const error of errors) io.stderr.write(formatPolicyError(error) + '\n');
    io.stderr.write(`\n${errors.length} error(s) in ${new Set(errors.map((e) => e.file)).size} file(s); the policy set is refused whole.\n`);
    return EXIT_FAILED;
  }
  if (files.length === 0) io.stderr.write(`warning: no policy files in ${dir}: linkgate would govern nothing\n`);
  io.stdout.write(`✓ ${files.length} polic${files.length === 1 ? 'y' : 'ies'} valid in ${dir} (revision ${result.set.revision})\n`);
  return EXIT_OK;
}
