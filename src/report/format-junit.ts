/**
 * JUnit XML, the test report format CI systems render (GitHub via test-reporter actions, Azure
 * Pipelines' PublishTestResults, GitLab, Jenkins): a testsuite per file, a testcase per file
 * checked or per policy test case, with one <failure> holding every finding that fails it (JUnit
 * allows one failure per testcase; readers show only the first of several).
 */
import type { Diagnostic } from '../lint/diagnostic.js';
import { fails, type Report, type ReportCase } from './report.js';

/** XML 1.0 text: markup escaped, characters XML cannot carry at all replaced. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/"/gu, '&quot;')
    .replace(/'/gu, '&apos;');
}

function describe(d: Diagnostic): string {
  const where = [d.file, d.line === undefined ? undefined : `${d.line}:${d.column ?? 1}`, d.pointer === '' ? undefined : `#${d.pointer}`].filter((x) => x !== undefined).join(' ');
  return `${where}\n${d.severity}: ${d.message}\nfix: ${d.fix}`;
}

function testcase(c: ReportCase, strict: boolean, classname: string): string {
  const failing = c.diagnostics.filter((d) => fails(d, strict));
  const other = c.diagnostics.filter((d) => !fails(d, strict));
  const message = failing.length === 1 ? (failing[0]?.message ?? '') : `${failing.length} findings: ${failing.map((d) => d.message).join('; ')}`;
  const type = [...new Set(failing.map((d) => d.rule))].join(' ');
  const parts = failing.length === 0 ? [] : [`      <failure message="${escapeXml(message)}" type="${escapeXml(type)}">${escapeXml(failing.map(describe).join('\n\n'))}</failure>`];
  const out = [...other.map(describe), ...(c.output ?? [])];
  if (out.length > 0) parts.push(`      <system-out>${escapeXml(out.join('\n'))}</system-out>`);
  const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(classname)}"`;
  return parts.length === 0 ? `${open}/>` : `${open}>\n${parts.join('\n')}\n    </testcase>`;
}

export function formatJunit(report: Report): string {
  const suites = new Map<string, ReportCase[]>();
  for (const c of report.cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const failed = (c: ReportCase): boolean => c.diagnostics.some((d) => fails(d, report.strict));
  const body = [...suites].map(([suite, cases]) => {
    const failures = cases.filter(failed).length;
    return [
      `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
      ...cases.map((c) => testcase(c, report.strict, `linkgate.${report.command}.${suite}`)),
      '  </testsuite>',
    ].join('\n');
  });
  const failures = report.cases.filter(failed).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="linkgate ${report.command}" tests="${report.cases.length}" failures="${failures}" errors="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
