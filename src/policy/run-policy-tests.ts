/**
 * Policy tests (Kyverno/conftest style): `policies/<name>.test.json` beside each policy, a table
 * of evaluation inputs and expected outcomes, run against the whole compiled set so a test also
 * catches another policy overriding this one.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import testSchema from '../../policies/schema/policy-test.schema.json' with { type: 'json' };
import type { CompiledPolicySet } from './compile-policies.js';
import { evaluate } from './evaluate.js';
import type { Decision, DecisionKind, EvaluationCase } from './types.js';
import { messageOf } from '../errors/linkgate-error.js';

export interface PolicyTestCase extends EvaluationCase {
  name: string;
  expect: { decision: DecisionKind; policy?: string | null; reasonIncludes?: string; shadow?: Array<{ policy: string; decision: DecisionKind }> };
}

export interface CaseResult {
  file: string;
  name: string;
  passed: boolean;
  /** What differed, one line each; empty when passed. */
  failures: string[];
  decision: Decision | undefined;
}

let validator: ValidateFunction | undefined;

export async function listPolicyTestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.test.json'))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
}

/** Checks one decision against a case's expectations. */
export function compareOutcome(expected: PolicyTestCase['expect'], decision: Decision): string[] {
  const failures: string[] = [];
  if (decision.decision !== expected.decision) failures.push(`decision: expected ${expected.decision}, got ${decision.decision}`);
  if (expected.policy !== undefined && decision.policy !== expected.policy) failures.push(`policy: expected ${String(expected.policy)}, got ${String(decision.policy)}`);
  if (expected.reasonIncludes !== undefined && !decision.reasons.some((r) => r.includes(expected.reasonIncludes as string))) {
    failures.push(`reasons: none contains ${JSON.stringify(expected.reasonIncludes)}`);
  }
  if (expected.shadow !== undefined) {
    const got = decision.shadow.map((s) => `${s.policy}:${s.decision}`).join(', ');
    const want = expected.shadow.map((s) => `${s.policy}:${s.decision}`).join(', ');
    if (got !== want) failures.push(`shadow: expected [${want}], got [${got}]`);
  }
  if (failures.length > 0) failures.push(`reasons were: ${decision.reasons.join(' | ')}`);
  return failures;
}

export function runPolicyTestFile(compiled: CompiledPolicySet, file: string, text: string): CaseResult[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return [{ file, name: '(file)', passed: false, failures: [`not valid JSON: ${messageOf(error)}`], decision: undefined }];
  }
  validator ??= new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(testSchema);
  if (!validator(document)) {
    const failures = (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    return [{ file, name: '(file)', passed: false, failures: [`not a valid policy test file (see policies/schema/policy-test.schema.json)`, ...failures], decision: undefined }];
  }
  return (document as { cases: PolicyTestCase[] }).cases.map((testCase) => {
    const decision = evaluate(compiled, testCase);
    const failures = compareOutcome(testCase.expect, decision);
    return { file, name: testCase.name, passed: failures.length === 0, failures, decision };
  });
}

export async function runPolicyTests(compiled: CompiledPolicySet, dir: string): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const file of await listPolicyTestFiles(dir)) results.push(...runPolicyTestFile(compiled, file, await readFile(file, 'utf8')));
  return results;
}
