/** `linkgate validate`: every policy checked against the schema, the rules a schema cannot express, and the lint. */
import path from 'node:path';
import { countBySeverity, type Diagnostic } from '../../lint/diagnostic.js';
import { fails, outputFormat, type Report } from '../../report/report.js';
import { EXIT_FAILED, EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';

export const HELP = `Usage: linkgate validate [--policies DIR] [--format FORMAT] [--strict]

Validates every policy file (DIR/*.json, not *.test.json) against policies/schema/policy.schema.json,
the rules a schema cannot express (unique names, autoApproval within visibility, GUIDs, CIDRs, safe
regexes, ARM ID patterns) and the lint: targets whose resource type linkgate does not know (with the
nearest known type), that end in '/', or that name a connection, subnet, child resource or private
endpoint; subnet patterns that can never match a subnet ID; trusted entries a deny entry makes dead;
a name that differs from the file name; unknown fields (with the nearest field); JSON syntax errors
(with line, column and the fix). Each finding names the file, line, column, JSON pointer and fix.

Errors refuse the set. Warnings (dead trusted entries, name differs from file, empty folder) print,
and fail the run only with --strict.

Options:
  --policies DIR     policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --format FORMAT    text (default) | json | github (workflow commands: annotations on the PR)
                     | junit (JUnit XML) | sarif (SARIF 2.1.0, for code scanning)
  --json             same as --format json: {"ok", "files", "revision", "errors", "warnings"}
  --strict           warnings fail too
  --help             this help

Exit codes: 0 valid, 1 invalid (or warnings with --strict), 2 bad usage or missing folder.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    policies: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    strict: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const format = outputFormat(values.format, values.json);
  const strict = values.strict === true;
  const { validatePolicyFolder } = await import('../../lint/validate-policy-folder.js');
  const dir = policyDir(values.policies, io);
  const result = await validatePolicyFolder(path.resolve(io.cwd, dir));
  const relative = (file: string): string => path.relative(io.cwd, file) || '.';
  const files = result.files.map(relative);
  const diagnostics: Diagnostic[] = result.diagnostics.map((d) => ({ ...d, file: relative(d.file) }));
  const failed = diagnostics.some((d) => fails(d, strict));
  const { errors, warnings } = countBySeverity(diagnostics);
  const summary = `${errors} error(s), ${warnings} warning(s) in ${files.length} polic${files.length === 1 ? 'y' : 'ies'} in ${dir}`;
  if (format === 'json') {
    io.stdout.write(
      JSON.stringify({
        ok: !failed,
        files,
        revision: errors === 0 ? result.revision : null,
        errors: diagnostics.filter((d) => d.severity === 'error'),
        warnings: diagnostics.filter((d) => d.severity === 'warning'),
      }) + '\n',
    );
  } else if (format === 'text') {
    const { formatDiagnosticText } = await import('../../report/write-report.js');
    for (const d of diagnostics) io.stderr.write(formatDiagnosticText(d) + '\n');
    if (errors > 0) io.stderr.write(`\n${summary}; the policy set is refused whole.\n`);
    else if (failed) io.stderr.write(`\n${summary}; --strict fails on warnings.\n`);
    else io.stdout.write(`✓ ${files.length} polic${files.length === 1 ? 'y' : 'ies'} valid in ${dir} (revision ${result.revision ?? 'none'})${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`);
  } else {
    const cases = files.map((file) => ({ suite: dir, name: file, diagnostics: diagnostics.filter((d) => d.file === file) }));
    const loose = diagnostics.filter((d) => !files.includes(d.file));
    if (loose.length > 0) cases.push({ suite: dir, name: dir, diagnostics: loose });
    const report: Report = { command: 'validate', strict, cases, diagnostics, summary };
    const { writeCiReport } = await import('../../report/write-report.js');
    await writeCiReport(format, report, io);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
