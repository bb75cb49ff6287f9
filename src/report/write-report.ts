/** Writes a report in a CI format (github, junit, sarif) to stdout; text and json are each command's own. */
import { packageVersion } from '../cli/package-info.js';
import type { CliIo } from '../cli/io.js';
import type { Diagnostic } from '../lint/diagnostic.js';
import { formatGithub } from './format-github.js';
import { formatJunit } from './format-junit.js';
import { formatSarif } from './format-sarif.js';
import type { OutputFormat, Report } from './report.js';

export async function writeCiReport(format: Exclude<OutputFormat, 'text' | 'json'>, report: Report, io: CliIo): Promise<void> {
  if (format === 'github') io.stdout.write(formatGithub(report));
  else if (format === 'junit') io.stdout.write(formatJunit(report));
  else io.stdout.write(formatSarif(report, { version: await packageVersion(), cwd: io.cwd }));
}

/** The text form of a finding: `file:line:col: severity: message (#pointer)` (clickable in terminals and editors), then the fix. */
export function formatDiagnosticText(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  return `${where}: ${d.severity}: ${d.message}${d.pointer === '' ? '' : ` (#${d.pointer})`}\n  fix: ${d.fix}`;
}
