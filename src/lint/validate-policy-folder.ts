/**
 * `linkgate validate` as one pass over a folder: the loader's verdict (schema and semantics, the
 * same checks the Functions app applies when it loads the set) plus the lint, every finding placed
 * at its line and column. Where both speak about one spot, the lint's more specific finding wins.
 */
import { readFile } from 'node:fs/promises';
import { listPolicyFiles, loadPolicies, type PolicyError } from '../policy/load-policies.js';
import type { Diagnostic } from './diagnostic.js';
import { parseJsonWithSourceMap, type SourceMap } from './json-source-map.js';
import { lintPolicyDocument } from './lint-policy.js';

export interface FolderValidation {
  /** Policy files, as paths under the folder given. */
  files: string[];
  diagnostics: Diagnostic[];
  /** Revision of the loaded set, or null when the loader refused it. */
  revision: string | null;
}

/** Rule IDs of the loader's findings, by what they are about (for SARIF and filtering). */
function loaderRule(error: PolicyError): string {
  if (/not valid JSON/iu.test(error.message)) return 'json-syntax';
  if (/unknown field/iu.test(error.message)) return 'unknown-field';
  if (error.pointer.startsWith('/targets')) return 'target-invalid';
  if (/Subnets/u.test(error.pointer)) return 'subnet-invalid';
  if (/already used/iu.test(error.message)) return 'duplicate-name';
  return 'policy-invalid';
}

function place(error: PolicyError, map: SourceMap | undefined): Diagnostic {
  const at = map === undefined ? undefined : /unknown field/iu.test(error.message) ? map.key(error.pointer) : (map.value(error.pointer) ?? map.key(error.pointer));
  return { file: error.file, pointer: error.pointer, severity: 'error', rule: loaderRule(error), message: error.message, fix: error.fix, ...(at === undefined ? {} : { line: at.line, column: at.column }) };
}

export async function validatePolicyFolder(dir: string): Promise<FolderValidation> {
  // Missing or unreadable folder: the loader's error (exit 2) propagates.
  const files = await listPolicyFiles(dir);
  const loaded = await loadPolicies(dir);
  const loaderErrors = loaded.ok ? [] : loaded.errors;
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const own = loaderErrors.filter((e) => e.file === file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      diagnostics.push(...own.map((e) => place(e, undefined)));
      continue;
    }
    const parsed = parseJsonWithSourceMap(text);
    if (!parsed.ok) {
      const { line, column, message, fix } = parsed.error;
      diagnostics.push({ file, pointer: '', line, column, severity: 'error', rule: 'json-syntax', message: `not valid JSON: ${message}`, fix });
      diagnostics.push(...own.filter((e) => !/JSON/u.test(e.message)).map((e) => place(e, undefined)));
      continue;
    }
    const lint = lintPolicyDocument(file, parsed.value, parsed.map);
    const saidByLint = new Set(lint.filter((d) => d.rule === 'unknown-field').map((d) => d.pointer));
    diagnostics.push(...own.filter((e) => !saidByLint.has(e.pointer)).map((e) => place(e, parsed.map)), ...lint);
  }
  // Errors about no file in particular (e.g. the folder itself).
  diagnostics.push(...loaderErrors.filter((e) => !files.includes(e.file)).map((e) => place(e, undefined)));
  if (files.length === 0) {
    diagnostics.push({ file: dir, pointer: '', severity: 'warning', rule: 'no-policies', message: 'no policy files (*.json, not *.test.json) in this folder: linkgate would govern nothing', fix: 'point --policies (or LINKGATE_POLICY_DIR) at the folder holding your policies, or create one with linkgate init' });
  }
  diagnostics.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) : a.file < b.file ? -1 : 1));
  return { files, diagnostics, revision: loaded.ok ? loaded.set.revision : null };
}
