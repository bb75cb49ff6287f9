/**
 * One finding of `validate` or `test`, in the shape every output format renders: where (file,
 * JSON pointer, line and column when known), how bad, which rule, what is wrong and what to do.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  /** JSON pointer into the file ('' for the whole file). */
  pointer: string;
  /** 1-based; undefined when the file could not be mapped (unreadable, not JSON before this point). */
  line?: number;
  column?: number;
  severity: Severity;
  /** Stable rule ID, e.g. `target-unknown-type` (SARIF ruleId, JSON output). */
  rule: string;
  message: string;
  fix: string;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}
