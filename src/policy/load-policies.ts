/**
 * Loads `policies/*.json` (not `*.test.json`), validates each against the published JSON Schema
 * (ajv, strict, all errors, compiled once; see policy-schema.ts for duplicates), then checks what
 * a schema cannot say. An invalid set is refused whole; every error names the file, the JSON
 * pointer and what to change. Every step is linear in the number of entries, so a policy of
 * 100,000 CIDRs loads in about the time it takes to parse it.
 */
import { compileIdPattern } from '../ids/id-pattern.js';
import { scanOfListJustScanned, scanSubnetList } from './subnet-list-scan.js';
import { PolicyLoadError, type PolicyError } from './policy-error.js';
import { duplicateErrors, valueErrors } from './policy-schema.js';
import { checkRegex } from './regex-safety.js';
import { policyRevision } from './policy-revision.js';
import { DEFAULT_READ_LIMITS, readPolicyFolder, type ReadLimits } from './read-policy-files.js';
import type { LoadedPolicy, PolicyDocument, PolicySet } from './types.js';

export { formatPolicyError, PolicyLoadError, type PolicyError } from './policy-error.js';
export { listPolicyFiles } from './read-policy-files.js';

export type LoadResult = { ok: true; set: PolicySet; files: string[] } | { ok: false; errors: PolicyError[]; files: string[] };

/** The string entries of a list with their indexes; anything else is the schema's to report. */
function strings(value: unknown): Array<[string, number]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, i) => (typeof entry === 'string' ? [[entry, i] as [string, number]] : []));
}

function field(document: unknown, ...keys: string[]): unknown {
  let node = document;
  for (const key of keys) node = typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/**
 * Checks one document beyond the schema. It reads the document defensively, so it also runs on a
 * document the schema refused: one pass lists every error, not the schema's first and these later.
 */
function checkSemantics(file: string, document: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  strings(field(document, 'targets')).forEach(([target, i]) => {
    const compiled = compileIdPattern(target);
    if (!compiled.ok) errors.push({ file, pointer: `/targets/${i}`, message: `target '${target}': ${compiled.error}`, fix: 'write an ARM resource ID such as /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/privateLinkServices/{name}, with * or ** as wildcards' });
  });
  const subnetEntries = (entries: unknown, base: string): void => {
    if (!Array.isArray(entries)) return;
    // documentErrors ran the duplicate check, which scanned this very list, just before.
    const scanned = scanOfListJustScanned(entries);
    if (scanned !== undefined) {
      for (const e of scanned.errors) errors.push({ file, pointer: `${base}/${e.index}`, message: e.message, fix: e.fix });
      return;
    }
    // A list holding something else than strings (a schema error): its strings, in one scan (a
    // scan per entry cost 2-5x the whole list's), each error at the entry's place in the list.
    const texts: string[] = [];
    const at: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry: unknown = entries[i];
      if (typeof entry !== 'string') continue;
      texts.push(entry);
      at.push(i);
    }
    for (const e of scanSubnetList(texts)?.errors ?? []) errors.push({ file, pointer: `${base}/${at[e.index]!}`, message: e.message, fix: e.fix });
  };
  subnetEntries(field(document, 'trustedSubnets'), '/trustedSubnets');
  subnetEntries(field(document, 'deny', 'subnets'), '/deny/subnets');

  const visibility = field(document, 'visibility');
  if (Array.isArray(visibility) && !visibility.includes('*')) {
    const visible = new Set(strings(visibility).map(([v]) => v.toLowerCase()));
    strings(field(document, 'autoApproval')).forEach(([subscription, i]) => {
      if (!visible.has(subscription.toLowerCase())) {
        errors.push({ file, pointer: `/autoApproval/${i}`, message: `subscription ${subscription} is auto-approved but not in visibility`, fix: 'add it to visibility too (autoApproval must be a subset of visibility, as on a Private Link Service)' });
      }
    });
  }
  const requestMessage = field(document, 'requestMessage');
  if (typeof requestMessage === 'string') {
    const check = checkRegex(requestMessage);
    if (!check.ok) errors.push({ file, pointer: '/requestMessage', message: `regex ${JSON.stringify(requestMessage)}: ${check.error}`, fix: check.fix });
  }
  return errors;
}

function jsonSyntaxError(file: string, text: string, error: Error): PolicyError {
  const position = /position (\d+)/u.exec(error.message);
  let where = '';
  if (position !== null) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset).split('\n');
    where = ` at line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
  }
  return { file, pointer: '', message: `not valid JSON${where}: ${error.message}`, fix: 'fix the JSON syntax (no comments or trailing commas)' };
}

/** True when `pointer` or one of its ancestors is in `pointers` ('' covers the whole file). */
function covered(pointers: ReadonlySet<string>, pointer: string): boolean {
  if (pointers.has('')) return true;
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) if (pointers.has(p)) return true;
  return false;
}

function documentErrors(file: string, document: unknown): { schema: PolicyError[]; semantic: PolicyError[] } {
  const values = valueErrors(file, document);
  const schema = [...values, ...duplicateErrors(file, document)];
  if (values.length === 0) return { schema, semantic: checkSemantics(file, document) };
  // What the schema said about a value stands for it; the rest of the file is checked too. A
  // duplicate is about its list, so the list's entries are still checked one by one.
  const said = new Set(values.map((e) => e.pointer));
  return { schema, semantic: checkSemantics(file, document).filter((e) => !covered(said, e.pointer)) };
}

/** Every error of one parsed document, schema and semantic; linear in its entries. */
export function checkPolicyDocument(file: string, document: unknown): PolicyError[] {
  const { schema, semantic } = documentErrors(file, document);
  return [...schema, ...semantic];
}

/** Validates documents already read (used by the loader and by tests). */
export function validatePolicyDocuments(inputs: ReadonlyArray<{ file: string; text: string }>): LoadResult {
  const errors: PolicyError[] = [];
  const loaded: LoadedPolicy[] = [];
  const names = new Map<string, string>();
  for (const { file, text } of inputs) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      errors.push(jsonSyntaxError(file, text, error as Error));
      continue;
    }
    const { schema, semantic } = documentErrors(file, document);
    errors.push(...schema, ...semantic);
    // A duplicate name is reported even beside other errors, so one run lists every error.
    const name = field(document, 'name');
    const other = typeof name === 'string' ? names.get(name) : undefined;
    if (other !== undefined) {
      errors.push({ file, pointer: '/name', message: `name '${String(name)}' is already used by ${other}`, fix: 'give each policy a unique name' });
    } else if (typeof name === 'string') names.set(name, file);
    if (schema.length > 0) continue;
    if (semantic.length === 0 && other === undefined) loaded.push({ file, document: document as PolicyDocument });
  }
  const files = inputs.map((i) => i.file);
  if (errors.length > 0) return { ok: false, errors, files };
  return { ok: true, files, set: { policies: loaded, revision: policyRevision(loaded.map((p) => p.document), true) } };
}

export async function loadPolicies(dir: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<LoadResult> {
  const { files, reads } = await readPolicyFolder(dir, limits);
  const unread: PolicyError[] = [];
  const inputs: Array<{ file: string; text: string }> = [];
  for (const read of reads) {
    if ('error' in read) unread.push(read.error);
    else inputs.push(read);
  }
  const result = validatePolicyDocuments(inputs);
  if (unread.length === 0) return { ...result, files };
  return { ok: false, errors: [...unread, ...(result.ok ? [] : result.errors)], files };
}

export async function loadPolicySetOrThrow(dir: string): Promise<PolicySet> {
  const result = await loadPolicies(dir);
  if (!result.ok) throw new PolicyLoadError(result.errors);
  return result.set;
}
