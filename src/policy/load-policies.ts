/**
 * Loads `policies/*.json` (not `*.test.json`), validates each against the published JSON Schema
 * (ajv, strict, all errors, compiled once), then checks what a schema cannot say. An invalid set
 * is refused whole; every error names the file, the JSON pointer and what to change.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import { LinkgateError } from '../errors/linkgate-error.js';
import { compileIdPattern } from '../ids/id-pattern.js';
import { parseCidr, looksLikeCidr } from '../net/cidr.js';
import { checkRegex } from './regex-safety.js';
import { policyRevision } from './policy-revision.js';
import type { LoadedPolicy, PolicyDocument, PolicySet } from './types.js';

export interface PolicyError {
  file: string;
  /** JSON pointer into the file ('' for the whole file). */
  pointer: string;
  message: string;
  fix: string;
}

export type LoadResult = { ok: true; set: PolicySet; files: string[] } | { ok: false; errors: PolicyError[]; files: string[] };

export function formatPolicyError(error: PolicyError): string {
  return `${error.file}${error.pointer === '' ? '' : `#${error.pointer}`}: ${error.message}\n  fix: ${error.fix}`;
}

/** The whole set refused: carries every error, so the operator fixes them in one pass. */
export class PolicyLoadError extends LinkgateError {
  override name = 'PolicyLoadError';
  readonly errors: PolicyError[];
  constructor(errors: PolicyError[], exitCode = 1) {
    super(`${errors.length} policy error(s):\n${errors.map(formatPolicyError).join('\n')}`, {
      hint: "run 'linkgate validate' and fix every error listed; linkgate refuses a policy set that is not wholly valid",
      exitCode,
    });
    this.errors = errors;
  }
}

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  validator ??= new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(policySchema);
  return validator;
}

const GUID_FIELDS = /^\/(visibility|autoApproval|trustedTenants|deny\/subscriptions|deny\/tenants)\/\d+$/u;

/** Turns an ajv error into one a policy author can act on. */
function explainSchemaError(file: string, error: ErrorObject, document: unknown): PolicyError | undefined {
  const pointer = error.instancePath;
  const value = valueAt(document, pointer);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((pointer === '/deny' ? policySchema.properties.deny.properties : policySchema.properties) as object);
      return { file, pointer: `${pointer}/${field}`, message: `unknown field '${field}'`, fix: `remove it or use one of: ${known.join(', ')}` };
    }
    case 'required': {
      const field = (error.params as { missingProperty: string }).missingProperty;
      return { file, pointer, message: `missing required field '${field}'`, fix: `add "${field}"` };
    }
    case 'pattern':
    case 'anyOf':
    case 'const': {
      if (value === '*' && GUID_FIELDS.test(pointer)) {
        return { file, pointer, message: "'*' is only allowed in visibility", fix: 'list subscription or tenant IDs here, or move "*" to visibility' };
      }
      if (GUID_FIELDS.test(pointer)) {
        return { file, pointer, message: `${JSON.stringify(value)} is not a GUID`, fix: 'write a subscription or tenant ID like 0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11' };
      }
      if (pointer === '/name') return { file, pointer, message: `name ${JSON.stringify(value)} is not lower-case letters, digits and '-'`, fix: 'rename it, e.g. "payments-pls"' };
      if (pointer.startsWith('/targets/')) return { file, pointer, message: `target ${JSON.stringify(value)} is not an ARM resource ID pattern`, fix: "start it with '/subscriptions/'" };
      if (error.keyword === 'const') return undefined; // reported through its anyOf
      return { file, pointer, message: `${JSON.stringify(value)} ${error.message ?? 'is invalid'}`, fix: 'see policies/README.md for the field' };
    }
    case 'enum':
      return { file, pointer, message: `${JSON.stringify(value)} is not allowed`, fix: `use one of: ${((error.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { file, pointer, message: `must be ${(error.params as { type: string }).type}`, fix: `write a ${(error.params as { type: string }).type} here` };
    case 'uniqueItems':
      return { file, pointer, message: 'has duplicate entries', fix: 'remove the duplicates' };
    default:
      return { file, pointer, message: error.message ?? 'is invalid', fix: 'see policies/README.md and the schema' };
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/gu, '/').replace(/~0/gu, '~');
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

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
    strings(entries).forEach(([entry, i]) => {
      const pointer = `${base}/${i}`;
      if (looksLikeCidr(entry)) {
        const cidr = parseCidr(entry);
        if (!cidr.ok) errors.push({ file, pointer, message: `'${entry}' is not a valid CIDR block: ${cidr.error}`, fix: cidr.fix ?? 'write an IPv4 or IPv6 block such as 10.20.0.0/16 or fd00:1::/48' });
      } else {
        const pattern = compileIdPattern(entry);
        if (!pattern.ok) errors.push({ file, pointer, message: `'${entry}' is not a subnet ID pattern: ${pattern.error}`, fix: 'write /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet} (wildcards allowed) or a CIDR block' });
      }
    });
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

/** Validates documents already read (used by the loader and by tests). */
export function validatePolicyDocuments(inputs: ReadonlyArray<{ file: string; text: string }>): LoadResult {
  const errors: PolicyError[] = [];
  const loaded: LoadedPolicy[] = [];
  const names = new Map<string, string>();
  const validate = schemaValidator();
  for (const { file, text } of inputs) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      errors.push(jsonSyntaxError(file, text, error as Error));
      continue;
    }
    if (!validate(document)) {
      const reported: PolicyError[] = [];
      for (const e of validate.errors ?? []) {
        const explained = explainSchemaError(file, e, document);
        if (explained !== undefined && !reported.some((x) => x.pointer === explained.pointer && x.message === explained.message)) reported.push(explained);
      }
      // What the schema said about a value stands for it; the rest of the file is checked too.
      const said = (pointer: string): boolean => reported.some((x) => x.pointer === pointer || pointer.startsWith(`${x.pointer}/`) || x.pointer === '');
      errors.push(...reported, ...checkSemantics(file, document).filter((e) => !said(e.pointer)));
      continue;
    }
    const policy = document as PolicyDocument;
    const semantic = checkSemantics(file, policy);
    errors.push(...semantic);
    const other = names.get(policy.name);
    if (other !== undefined) {
      errors.push({ file, pointer: '/name', message: `name '${policy.name}' is already used by ${other}`, fix: 'give each policy a unique name' });
    } else names.set(policy.name, file);
    if (semantic.length === 0) loaded.push({ file, document: policy });
  }
  const files = inputs.map((i) => i.file);
  if (errors.length > 0) return { ok: false, errors, files };
  return { ok: true, files, set: { policies: loaded, revision: policyRevision(loaded.map((p) => p.document)) } };
}

/** Policy files of a folder: `*.json`, not `*.test.json`, sorted. */
export async function listPolicyFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyLoadError(
      [{ file: dir, pointer: '', message: code === 'ENOENT' ? 'policy folder not found' : `cannot read the policy folder (${code ?? 'error'})`, fix: 'pass --policies DIR or set LINKGATE_POLICY_DIR to the folder holding your policy files' }],
      2,
    );
  }
  // Files only (symlinks to files too): a folder named x.json is not a policy.
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json') && !e.name.endsWith('.test.json'))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
}

export async function loadPolicies(dir: string): Promise<LoadResult> {
  const files = await listPolicyFiles(dir);
  const inputs = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  return validatePolicyDocuments(inputs);
}

export async function loadPolicySetOrThrow(dir: string): Promise<PolicySet> {
  const result = await loadPolicies(dir);
  if (!result.ok) throw new PolicyLoadError(result.errors);
  return result.set;
}
