/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`): GitHub shows
 * each as an annotation on the pull request's diff, at that line. Escaping follows the runner's
 * rules (actions/toolkit `command.ts`): `%`, CR and LF in the message; also `:` and `,` in properties.
 */
import type { Report } from './report.js';
import { fails } from './report.js';

function escapeData(text: string): string {
  return text.replace(/%/gu, '%25').replace(/\r/gu, '%0D').replace(/\n/gu, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/gu, '%3A').replace(/,/gu, '%2C');
}

export function formatGithub(report: Report): string {
  const lines = report.diagnostics.map((d) => {
    const level = fails(d, report.strict) ? 'error' : 'warning';
    const properties = [`file=${escapeProperty(d.file)}`];
    if (d.line !== undefined) properties.push(`line=${d.line}`);
    if (d.column !== undefined) properties.push(`col=${d.column}`);
    properties.push(`title=${escapeProperty(`linkgate ${report.command}: ${d.rule}`)}`);
    const where = d.pointer === '' ? '' : ` (at ${d.pointer})`;
    return `::${level} ${properties.join(',')}::${escapeData(`${d.message}${where}. Fix: ${d.fix}`)}`;
  });
  lines.push(report.summary);
  return lines.join('\n') + '\n';
}
