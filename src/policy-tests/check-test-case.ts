/**
 * Checks one case of a policy test file against the published test schema on its own, so a
 * malformed case fails alone, naming the property and what to write, and the others still run.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import testSchema from '../../policies/schema/policy-test.schema.json' with { type: 'json' };
import { escapePointerSegment } from '../lint/json-source-map.js';
import { nearest } from '../lint/nearest.js';

export interface CaseProblem {
  /** JSON pointer relative to the case ('' for the case itself). */
  pointer: string;
  message: string;
  fix: string;
}

const CASE_SCHEMA = testSchema.properties.cases.items;
let validator: ValidateFunction | undefined;

function knownProperties(pointer: string): string[] {
  const schema: { properties?: Record<string, unknown> } = pointer.endsWith('/expect') ? CASE_SCHEMA.properties.expect : /\/shadow\/\d+$/u.test(pointer) ? CASE_SCHEMA.properties.expect.properties.shadow.items : CASE_SCHEMA;
  return Object.keys(schema.properties ?? {});
}

function explain(error: ErrorObject): CaseProblem {
  const at = error.instancePath;
  const where = at === '' ? 'the case' : `'${at.slice(1).replace(/\//gu, '.')}'`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = (error.params as { additionalProperty: string }).additionalProperty;
      const known = knownProperties(at);
      const suggestion = nearest(property, known);
      return {
        pointer: `${at}/${escapePointerSegment(property)}`,
        message: `unknown property '${property}' in ${where}`,
        fix: suggestion === undefined ? `remove it; ${where} takes: ${known.join(', ')}` : `did you mean '${suggestion}'? rename it`,
      };
    }
    case 'required': {
      const property = (error.params as { missingProperty: string }).missingProperty;
      const example: Record<string, string> = { name: '"name": "what this case shows"', connection: '"connection": { …privateEndpointConnection as ARM returns it… }', expect: '"expect": {"decision": "approve"}', decision: '"decision": "approve" (or reject, manual, ignore)', policy: '"policy": "<policy name>"' };
      return { pointer: at, message: `${where} has no '${property}'`, fix: `add ${example[property] ?? `"${property}"`}` };
    }
    case 'enum':
      return { pointer: at, message: `${where} is not one of the allowed values`, fix: `use one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { pointer: at, message: `${where} must be ${(error.params as { type: string | string[] }).type.toString().replace(',', ' or ')}`, fix: `write a ${(error.params as { type: string | string[] }).type.toString().replace(',', ' or ')} there` };
    case 'minLength':
      return { pointer: at, message: `${where} is empty`, fix: 'write some text' };
    default:
      return { pointer: at, message: `${where} ${error.message ?? 'is invalid'}`, fix: 'see policies/schema/policy-test.schema.json' };
  }
}

/** Problems with one case; empty when it is well-formed. */
export function checkTestCase(value: unknown): CaseProblem[] {
  validator ??= new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(CASE_SCHEMA);
  if (validator(value)) return [];
  const problems: CaseProblem[] = [];
  for (const error of validator.errors ?? []) {
    const problem = explain(error);
    if (!problems.some((p) => p.pointer === problem.pointer && p.message === problem.message)) problems.push(problem);
  }
  return problems;
}
