/**
 * Schema validation of one policy document, linear in its entries. The published schema
 * (policies/schema/policy.schema.json) keeps `uniqueItems` so editors flag duplicates while people
 * type; ajv checks `uniqueItems` pairwise with a deep equality (quadratic: 33 s on a list of
 * 100,000 CIDRs), so the runtime validator is compiled from a copy without it and duplicates are
 * found here (IPv4 blocks as sorted numbers, other strings with a set), reported at the same
 * pointer with the same message. A document the exact hand-written check (schema-fast-check.ts)
 * accepts never reaches ajv, which is compiled only to explain a refusal.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import { readIpv4Block } from '../net/cidr.js';
import { sortIpv4Blocks } from '../net/sort-ipv4-blocks.js';
import type { PolicyError } from './policy-error.js';
import { conformsToSchema } from './schema-fast-check.js';
import { scanSubnetList } from './subnet-list-scan.js';

/** The lists of subnet entries (CIDR blocks and subnet ID patterns). */
const SUBNET_LISTS: ReadonlySet<string> = new Set(['/trustedSubnets', '/deny/subnets']);

type SchemaNode = { [key: string]: unknown };

/** JSON pointers of the arrays the published schema declares unique, e.g. '/deny/subnets'. */
function uniqueArrays(node: unknown, pointer: string, found: string[]): string[] {
  if (typeof node !== 'object' || node === null) return found;
  const schema = node as SchemaNode;
  if (schema['uniqueItems'] === true) found.push(pointer);
  const properties = schema['properties'];
  if (typeof properties === 'object' && properties !== null) {
    for (const [key, child] of Object.entries(properties)) uniqueArrays(child, `${pointer}/${key}`, found);
  }
  return found;
}

/** A copy of the schema without `uniqueItems` anywhere. */
function withoutUniqueItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUniqueItems);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'uniqueItems').map(([key, value]) => [key, withoutUniqueItems(value)]));
}

export const UNIQUE_ARRAYS: readonly string[] = uniqueArrays(policySchema, '', []);

let validator: ValidateFunction | undefined;

function runtimeValidator(): ValidateFunction {
  validator ??= new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(withoutUniqueItems(policySchema) as object);
  return validator;
}

const GUID_FIELDS = /^\/(visibility|autoApproval|trustedTenants|deny\/subscriptions|deny\/tenants)\/\d+$/u;

export function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/gu, '/').replace(/~0/gu, '~');
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

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
      return { file, pointer, message: `${JSON.stringify(value)} is not allowed`, fix: `use one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { file, pointer, message: `must be ${(error.params as { type: string }).type}`, fix: `write a ${(error.params as { type: string }).type} here` };
    default:
      return { file, pointer, message: error.message ?? 'is invalid', fix: 'see policies/README.md and the schema' };
  }
}

/**
 * Strict IPv4 blocks (most of a 100,000-entry list) are compared as numbers, sorted by the radix
 * sort the compiler uses: their text is canonical, so equal numbers mean equal strings. The other
 * strings go through a set; hashing 100,000 fresh strings costs more than parsing them.
 */
function hasDuplicateStrings(list: readonly string[]): boolean {
  const starts = new Uint32Array(list.length);
  const prefixes = new Uint8Array(list.length);
  let blocks = 0;
  const others = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (readIpv4Block(entry, starts, prefixes, blocks)) blocks++;
    else if (others.size === others.add(entry).size) return true;
  }
  const order = sortIpv4Blocks(starts, prefixes, blocks);
  for (let k = 1; k < blocks; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (starts[a] === starts[b] && prefixes[a] === prefixes[b]) return true;
  }
  return false;
}

function hasDuplicates(list: readonly unknown[], subnets: boolean): boolean {
  // A subnet list's duplicates come from the scan that also checks and prepares its entries.
  if (subnets) {
    const scanned = scanSubnetList(list);
    if (scanned !== undefined) return scanned.duplicate;
  }
  // The usual case, all strings (ajv compares them exactly).
  if (list.every((entry) => typeof entry === 'string')) return hasDuplicateStrings(list as readonly string[]);
  // Anything else is a schema error already; keyed by its JSON, as deep equality would see it.
  const seen = new Set<string>();
  for (const entry of list) {
    const key = typeof entry === 'string' ? `s${entry}` : `j${JSON.stringify(entry) ?? ''}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** One error per array that holds an entry twice, as ajv's `uniqueItems` reports it; one hash per entry. */
export function duplicateErrors(file: string, document: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  for (const pointer of UNIQUE_ARRAYS) {
    const list = valueAt(document, pointer);
    if (!Array.isArray(list)) continue;
    if (hasDuplicates(list as unknown[], SUBNET_LISTS.has(pointer))) errors.push({ file, pointer, message: 'has duplicate entries', fix: 'remove the duplicates' });
  }
  return errors;
}

/** Every schema error of one document (duplicates included), each pointer and message reported once. */
export function schemaErrors(file: string, document: unknown): PolicyError[] {
  return [...valueErrors(file, document), ...duplicateErrors(file, document)];
}

/**
 * The schema errors that say a value itself is wrong (duplicates left out: they are about a list,
 * not its entries, and must not hide what else is wrong with those entries).
 */
export function valueErrors(file: string, document: unknown): PolicyError[] {
  const reported: PolicyError[] = [];
  // ajv (compiled on first need) only explains a document the exact fast check refused.
  const validate = conformsToSchema(document) ? undefined : runtimeValidator();
  if (validate !== undefined && !validate(document)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const explained = explainSchemaError(file, e, document);
      if (explained === undefined) continue;
      const key = `${explained.pointer}\u0000${explained.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reported.push(explained);
    }
  }
  return reported;
}
