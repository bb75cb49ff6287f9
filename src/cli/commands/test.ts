/** `linkgate test`: runs policies/*.test.json against the whole policy set. */
import path from 'node:path';
import { escapeForTerminal } from '../render-table.js';
import { EXIT_FAILED, EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';

export const HELP = `Usage: linkgate test [--policies DIR] [--json]

Runs the policy tests beside the policies (DIR/*.test.json): each case is an evaluation input
(ARM JSON) and the expected decision, evaluated against the whole policy set. Prints each case
and "N passed, N failed".

Options:
  --policies DIR  policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --json          one JSON object: {"passed", "failed", "results": [...]}
  --help          this help

Exit codes: 0 all passed, 1 a case failed or the policies are invalid, 2 bad usage.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { policies: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { runPolicyTests }] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../policy/run-policy-tests.js'),
  ]);
  const dir = path.resolve(io.cwd, policyDir(values.policies, io));
  const compiled = compilePolicies(await loadPolicySetOrThrow(dir));
  const results = await runPolicyTests(compiled, dir);
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  if (values.json === true) {
    io.stdout.write(
      JSON.stringify({
        passed,
        failed,
        results: results.map((r) => ({ file: path.relative(io.cwd, r.file), name: r.name, passed: r.passed, failures: r.failures, decision: r.decision ?? null })),
      }) + '\n',
    );
  } else {
    let lastFile = '';
    for (const r of results) {
      const file = path.relative(io.cwd, r.file);
      if (file !== lastFile) io.stdout.write(`${file}\n`);
      lastFile = file;
      io.stdout.write(`  ${r.passed ? '✓' : '✗'} ${escapeForTerminal(r.name)}\n`);
      for (const failure of r.failures) io.stdout.write(`      ${escapeForTerminal(failure)}\n`);
    }
    if (results.length === 0) io.stderr.write(`warning: no *.test.json files in ${path.relative(io.cwd, dir) || '.'}\n`);
    io.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
  return failed === 0 ? EXIT_OK : EXIT_FAILED;
}
