/** `linkgate test`: runs the policy test files against the whole policy set, case by case, with rule coverage. */
import path from 'node:path';
import type { Diagnostic } from '../../lint/diagnostic.js';
import type { CaseOutcome, SuiteResult } from '../../policy-tests/run-test-suite.js';
import { fails, outputFormat, type Report, type ReportCase } from '../../report/report.js';
import { escapeForTerminal } from '../render-table.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';
import { messageOf } from '../../errors/linkgate-error.js';

export const HELP = `Usage: linkgate test [FILE...] [--run PATTERN] [--policies DIR] [--format FORMAT] [--allow-untested] [--strict]

Runs the policy tests beside the policies (DIR/*.test.json), or the test files named: each case is
an evaluation input (ARM JSON) and the expected decision, evaluated against the whole policy set.
A malformed case fails alone, naming the property and the fix; the other cases still run. Prints
each case, the rule coverage of each policy (which of deny, visibility, autoApproval, each kind of
trusted entry, requestMessage, connectionLimit and otherwise decided some case) and
"N passed, N failed".

A folder without policies fails (CI pointed at the wrong path must not pass), and so does a policy
that decides no test case, unless --allow-untested.

Options:
  --run PATTERN      only cases whose name matches this regular expression
  --policies DIR     policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --format FORMAT    text (default) | json | github (workflow commands) | junit (JUnit XML) | sarif
  --json             same as --format json: {"passed", "failed", "results", "coverage", "errors"}
  --allow-untested   a policy without tests is a warning, not a failure
  --strict           warnings fail too
  --help             this help

Exit codes: 0 all passed, 1 a case failed, a policy is untested or the policies are invalid, 2 bad usage.
`;

function coverageLines(result: SuiteResult, relative: (file: string) => string): string[] {
  return result.coverage.map((c) => {
    const covered = c.rules.filter((r) => r.covered).length;
    const rules = c.rules.map((r) => `${r.covered ? '✓' : '✗'} ${r.rule}`).join('  ');
    return `${c.policy} (${relative(c.file)}): ${covered}/${c.rules.length} rules, ${c.cases} case(s)  ${rules}`;
  });
}

function writeText(io: CliIo, outcomes: CaseOutcome[], result: SuiteResult, summary: string, relative: (file: string) => string): void {
  let lastFile = '';
  for (const r of outcomes) {
    if (r.file !== lastFile) io.stdout.write(`${r.file}\n`);
    lastFile = r.file;
    io.stdout.write(`  ${r.passed ? '✓' : '✗'} ${escapeForTerminal(r.name)}\n`);
    for (const d of r.diagnostics) {
      const where = d.line === undefined ? '' : ` (line ${d.line}, column ${d.column ?? 1})`;
      for (const line of d.message.replace(/^case '.*?': /su, '').split('; ')) io.stdout.write(`      ${escapeForTerminal(line)}\n`);
      io.stdout.write(`      at ${d.pointer || '/'}${where}; fix: ${escapeForTerminal(d.fix)}\n`);
    }
  }
  if (result.coverage.length > 0) io.stdout.write(`\ncoverage:\n${coverageLines(result, relative).map((l) => `  ${l}\n`).join('')}`);
  for (const d of result.suite) io.stderr.write(`${d.severity}: ${d.message} (${d.file})\n  fix: ${d.fix}\n`);
  io.stdout.write(`\n${summary}\n`);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      policies: { type: 'string' },
      run: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      'allow-untested': { type: 'boolean' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const format = outputFormat(values.format, values.json);
  const strict = values.strict === true;
  let pattern: RegExp | undefined;
  try {
    pattern = values.run === undefined ? undefined : new RegExp(values.run, 'u');
  } catch (error) {
    throw new UsageError(`--run ${JSON.stringify(values.run)} is not a regular expression: ${messageOf(error)}`);
  }
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { runTestSuite }] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../policy-tests/run-test-suite.js'),
  ]);
  const dir = path.resolve(io.cwd, policyDir(values.policies, io));
  const set = await loadPolicySetOrThrow(dir);
  const files = positionals.length === 0 ? undefined : positionals.map((f) => path.resolve(io.cwd, f.endsWith('.test.json') || !f.endsWith('.json') ? f : f.replace(/\.json$/u, '.test.json')));
  const result = await runTestSuite(set, compilePolicies(set), { policyDir: dir, ...(files === undefined ? {} : { files }), ...(pattern === undefined ? {} : { run: pattern }), allowUntested: values['allow-untested'] === true });

  if (pattern !== undefined && result.cases.length === 0) {
    // A filter that selects nothing tests nothing: passing would hide a typo in the pattern.
    io.stderr.write(`linkgate test: no test case name matches --run ${JSON.stringify(values.run)}: nothing was tested\n`);
    return EXIT_FAILED;
  }
  const relative = (file: string): string => path.relative(io.cwd, file) || '.';
  const outcomes = result.cases.map((c) => ({ ...c, file: relative(c.file), diagnostics: c.diagnostics.map((d) => ({ ...d, file: relative(d.file) })) }));
  const suite: Diagnostic[] = result.suite.map((d) => ({ ...d, file: relative(d.file) }));
  const passed = outcomes.filter((r) => r.passed).length;
  const failed = outcomes.length - passed;
  const failing = failed > 0 || suite.some((d) => fails(d, strict));
  const summary = `${passed} passed, ${failed} failed${suite.length > 0 ? `, ${suite.length} suite problem(s)` : ''}`;

  if (format === 'json') {
    io.stdout.write(
      JSON.stringify({
        passed,
        failed,
        results: outcomes.map((r) => ({ file: r.file, name: r.name, passed: r.passed, failures: r.diagnostics.map((d) => d.message), errors: r.diagnostics, decision: r.decision ?? null })),
        coverage: result.coverage.map((c) => ({ ...c, file: relative(c.file) })),
        errors: suite,
      }) + '\n',
    );
  } else if (format === 'text') {
    writeText(io, outcomes, result, summary, relative);
  } else {
    const cases: ReportCase[] = outcomes.map((r) => ({ suite: r.file, name: r.name, diagnostics: r.diagnostics, ...(r.decision === undefined ? {} : { output: [`decision: ${r.decision.decision} by ${r.decision.policy ?? 'no policy'}`, ...r.decision.reasons] }) }));
    if (suite.length > 0) cases.push({ suite: relative(dir), name: 'policy suite', diagnostics: suite });
    cases.push({ suite: relative(dir), name: 'rule coverage', diagnostics: [], output: coverageLines(result, relative) });
    const report: Report = { command: 'test', strict, cases, diagnostics: [...outcomes.flatMap((r) => r.diagnostics), ...suite], summary };
    const { writeCiReport } = await import('../../report/write-report.js');
    await writeCiReport(format, report, io);
  }
  return failing ? EXIT_FAILED : EXIT_OK;
}
