/**
 * `linkgate test` as a suite: the policy test files (all beside the policies, or the ones named),
 * each case checked and run on its own, cases filtered by --run, rule coverage per policy, and the
 * suite-level failures CI needs to catch: no policies at all (CI pointed at the wrong folder) and
 * policies no case exercises.
 */
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../lint/diagnostic.js';
import { parseJsonWithSourceMap, type SourceMap } from '../lint/json-source-map.js';
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import { evaluateWithDetail } from '../policy/evaluate.js';
import { compareOutcome, listPolicyTestFiles, type PolicyTestCase } from '../policy/run-policy-tests.js';
import type { Decision, PolicySet } from '../policy/types.js';
import { checkTestCase } from './check-test-case.js';
import { CoverageTracker, type PolicyCoverage } from './rule-coverage.js';

export interface CaseOutcome {
  file: string;
  name: string;
  passed: boolean;
  /** Why it failed: a malformed case, or what differed from the expectation. */
  diagnostics: Diagnostic[];
  decision: Decision | undefined;
}

export interface SuiteResult {
  cases: CaseOutcome[];
  /** Findings about the suite as a whole (no policies, untested policies). */
  suite: Diagnostic[];
  coverage: PolicyCoverage[];
}

export interface SuiteOptions {
  policyDir: string;
  /** Test files to run; undefined: every *.test.json in policyDir. */
  files?: string[];
  /** Only cases whose name matches. */
  run?: RegExp;
  allowUntested: boolean;
}

const FILE_FIELDS = ['$schema', 'description', 'cases'];

function placed(map: SourceMap | undefined, pointer: string): { line?: number; column?: number } {
  const at = map?.value(pointer);
  return at === undefined ? {} : { line: at.line, column: at.column };
}

function fileFailure(file: string, message: string, fix: string, at: { line?: number; column?: number } = {}): CaseOutcome {
  return { file, name: '(file)', passed: false, decision: undefined, diagnostics: [{ file, pointer: '', severity: 'error', rule: 'test-file-invalid', message, fix, ...at }] };
}

function runFile(compiled: CompiledPolicySet, file: string, text: string, options: SuiteOptions, coverage: CoverageTracker): CaseOutcome[] {
  const parsed = parseJsonWithSourceMap(text);
  if (!parsed.ok) return [fileFailure(file, `not valid JSON: ${parsed.error.message}`, parsed.error.fix, { line: parsed.error.line, column: parsed.error.column })];
  const { value, map } = parsed;
  const cases = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)['cases'] : undefined;
  if (!Array.isArray(cases)) return [fileFailure(file, 'a policy test file is an object with a "cases" array', 'write {"$schema": "./schema/policy-test.schema.json", "cases": [ … ]}', placed(map, ''))];
  const outcomes: CaseOutcome[] = [];
  for (const key of Object.keys(value as object)) {
    if (!FILE_FIELDS.includes(key)) outcomes.push(fileFailure(file, `unknown field '${key}' in the test file`, `remove it; a test file holds ${FILE_FIELDS.join(', ')}`, placed(map, `/${key}`)));
  }
  if (cases.length === 0) outcomes.push(fileFailure(file, 'the test file has no cases', 'add cases, each {"name", "connection", "expect"}', placed(map, '/cases')));
  cases.forEach((testCase: unknown, i) => {
    const base = `/cases/${i}`;
    const rawName = (testCase as { name?: unknown } | null)?.name;
    const name = typeof rawName === 'string' && rawName.length > 0 ? rawName : `case ${i + 1}`;
    if (options.run !== undefined && !options.run.test(name)) return;
    const problems = checkTestCase(testCase);
    if (problems.length > 0) {
      const diagnostics = problems.map((p): Diagnostic => ({ file, pointer: base + p.pointer, severity: 'error', rule: 'test-case-invalid', message: `case '${name}': ${p.message}`, fix: p.fix, ...placed(map, base + p.pointer) }));
      outcomes.push({ file, name, passed: false, decision: undefined, diagnostics });
      return;
    }
    const valid = testCase as PolicyTestCase;
    const { decision, verdicts } = evaluateWithDetail(compiled, valid);
    coverage.record(verdicts);
    const failures = compareOutcome(valid.expect, decision);
    const diagnostics: Diagnostic[] =
      failures.length === 0
        ? []
        : [{ file, pointer: `${base}/expect`, severity: 'error', rule: 'test-case-failed', message: `case '${name}': ${failures.join('; ')}`, fix: 'the policies decide otherwise: correct the policy, or the expectation if the policy is right', ...placed(map, `${base}/expect`) }];
    outcomes.push({ file, name, passed: failures.length === 0, decision, diagnostics });
  });
  return outcomes;
}

export async function runTestSuite(set: PolicySet, compiled: CompiledPolicySet, options: SuiteOptions): Promise<SuiteResult> {
  const coverage = new CoverageTracker();
  const cases: CaseOutcome[] = [];
  const files = options.files ?? (await listPolicyTestFiles(options.policyDir));
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      cases.push(fileFailure(file, `cannot read the test file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'check the path'));
      continue;
    }
    cases.push(...runFile(compiled, file, text, options, coverage));
  }
  const report = coverage.report(set.policies);
  const suite: Diagnostic[] = [];
  if (set.policies.length === 0) {
    suite.push({ file: options.policyDir, pointer: '', severity: 'error', rule: 'no-policies', message: 'no policies in this folder: there is nothing to test', fix: 'point --policies (or LINKGATE_POLICY_DIR) at the folder holding your policies, or create one with linkgate init' });
  }
  // Only a whole run can tell that a policy has no tests.
  if (options.files === undefined && options.run === undefined) {
    for (const policy of report.filter((p) => p.cases === 0)) {
      suite.push({
        file: policy.file,
        pointer: '',
        severity: options.allowUntested ? 'warning' : 'error',
        rule: 'untested-policy',
        message: `policy '${policy.policy}' decides no test case`,
        fix: `add cases whose connections it governs to ${policy.policy}.test.json (linkgate init shows a starting set), or pass --allow-untested`,
      });
    }
  }
  return { cases, suite, coverage: report };
}
