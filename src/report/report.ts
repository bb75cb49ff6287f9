/**
 * What `validate` and `test` hand to an output format: findings (errors and warnings placed in
 * files) and cases (a file checked, a test case run), so JUnit can list passing cases as well as
 * failing ones while GitHub annotations and SARIF show only the findings.
 */
import type { Diagnostic } from '../lint/diagnostic.js';
import { UsageError } from '../cli/io.js';

export const OUTPUT_FORMATS = ['text', 'json', 'github', 'junit', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ReportCase {
  /** Grouping (a file). */
  suite: string;
  name: string;
  /** Findings that make this case fail or warn. */
  diagnostics: Diagnostic[];
  /** Extra lines for people (coverage, the decision's reasons). */
  output?: string[];
}

export interface Report {
  command: 'validate' | 'test';
  /** With --strict, warnings fail too. */
  strict: boolean;
  cases: ReportCase[];
  /** Every finding, cases' included, in order. */
  diagnostics: Diagnostic[];
  /** One line for people: "2 errors, 1 warning in 3 files". */
  summary: string;
}

/** Whether a finding fails the run. */
export function fails(diagnostic: Diagnostic, strict: boolean): boolean {
  return diagnostic.severity === 'error' || strict;
}

/** --format, with --json kept as the older spelling of --format json. */
export function outputFormat(format: string | undefined, json: boolean | undefined): OutputFormat {
  if (format === undefined) return json === true ? 'json' : 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not '${format}'`);
  if (json === true && format !== 'json') throw new UsageError('--json and --format disagree; use --format alone');
  return format as OutputFormat;
}
