/**
 * SARIF 2.1.0 (OASIS), the format GitHub code scanning and other analysers ingest: one run, the
 * rules linkgate applies, one result per finding with its file, line and column. A warning is
 * level "warning" unless --strict makes it fail, then "error".
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../lint/rules.js';
import { fails, type Report } from './report.js';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A repository-relative URI when the file is under the working folder (what code scanning maps to the repo), else a file: URI. */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file) || file.startsWith('..')) return { uri: pathToFileURL(path.resolve(file)).href };
  return { uri: file.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function formatSarif(report: Report, tool: { version: string; cwd: string }): string {
  const ruleIds = [...new Set(report.diagnostics.map((d) => d.rule))].sort();
  const results = report.diagnostics.map((d) => ({
    ruleId: d.rule,
    ruleIndex: ruleIds.indexOf(d.rule),
    level: fails(d, report.strict) ? 'error' : 'warning',
    message: { text: `${d.message}${d.pointer === '' ? '' : ` (at ${d.pointer})`}. Fix: ${d.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactUri(d.file),
          ...(d.line === undefined ? {} : { region: { startLine: d.line, startColumn: d.column ?? 1 } }),
        },
        ...(d.pointer === '' ? {} : { logicalLocations: [{ fullyQualifiedName: d.pointer, kind: 'member' }] }),
      },
    ],
  }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'linkgate',
            version: tool.version,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: RULES[id] ?? id } })),
          },
        },
        automationDetails: { id: `linkgate/${report.command}/` },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(tool.cwd + path.sep).href } },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
