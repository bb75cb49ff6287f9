/**
 * The lint of one policy file, beyond what the loader refuses: findings that make a policy
 * govern or approve nothing while looking valid, each placed at its line and column.
 */
import path from 'node:path';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import type { Diagnostic } from './diagnostic.js';
import { escapePointerSegment, type SourceMap } from './json-source-map.js';
import { findDeadEntries } from './lint-dead-entries.js';
import { lintSubnetEntry, lintTrustedCidrWidth } from './lint-subnets.js';
import { lintTarget } from './lint-targets.js';
import { nearest } from './nearest.js';

const TOP_FIELDS = Object.keys(policySchema.properties);
const DENY_FIELDS = Object.keys(policySchema.properties.deny.properties);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function strings(value: unknown): Array<[string, number]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, i) => (typeof entry === 'string' ? [[entry, i] as [string, number]] : []));
}

function unknownFields(object: Record<string, unknown> | undefined, base: string, known: readonly string[]): Array<Omit<Diagnostic, 'file'>> {
  if (object === undefined) return [];
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const suggestion = nearest(key, known);
      return {
        pointer: `${base}/${escapePointerSegment(key)}`,
        severity: 'error',
        rule: 'unknown-field',
        message: `unknown field '${key}'${base === '' ? '' : ` in ${base.slice(1)}`}`,
        fix: suggestion === undefined ? `remove it; the fields are: ${known.join(', ')}` : `did you mean '${suggestion}'? rename it`,
      };
    });
}

/** The schema's name rule; an invalid name must not be suggested as a file name. */
const VALID_NAME = /^[a-z0-9][a-z0-9-]*$/u;

/** The nearest valid name: lower-case, every other character a '-', at most 63 characters. */
function validNameFrom(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9-]+/gu, '-').replace(/-{2,}/gu, '-').replace(/^-+/u, '').slice(0, 63).replace(/-+$/u, '');
  return slug === '' ? 'policy' : slug;
}

function nameFixForInvalid(suggested: string, stem: string): string {
  if (suggested === stem) return `rename the policy to '${stem}' (names are lower-case letters, digits and '-')`;
  return `rename the policy to '${suggested}' (names are lower-case letters, digits and '-'), and the file to ${suggested}.json (its tests to ${suggested}.test.json)`;
}

export function lintPolicyDocument(file: string, document: unknown, map: SourceMap): Diagnostic[] {
  const found: Array<Omit<Diagnostic, 'file'>> = [];
  const policy = record(document);
  found.push(...unknownFields(policy, '', TOP_FIELDS), ...unknownFields(record(policy?.['deny']), '/deny', DENY_FIELDS));
  const name = policy?.['name'];
  const stem = path.basename(file).replace(/\.json$/iu, '');
  if (typeof name === 'string' && name !== stem) {
    found.push({
      pointer: '/name',
      severity: 'warning',
      rule: 'name-matches-file',
      message: `policy name '${name}' differs from its file name '${path.basename(file)}'`,
      fix: VALID_NAME.test(name)
        ? `rename the file to ${name}.json (and its tests to ${name}.test.json), or the policy to '${stem}'`
        : nameFixForInvalid(validNameFrom(name), stem),
    });
  }
  for (const [target, i] of strings(policy?.['targets'])) {
    for (const finding of lintTarget(target)) found.push({ pointer: `/targets/${i}`, ...finding });
  }
  // Index loops, no [entry, i] pair per entry: trustedSubnets may hold 100,000 of them.
  const eachString = (list: unknown, visit: (entry: string, i: number) => void): void => {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const entry: unknown = list[i];
      if (typeof entry === 'string') visit(entry, i);
    }
  };
  const subnets = (list: unknown, base: string): void => {
    eachString(list, (entry, i) => {
      const finding = lintSubnetEntry(entry);
      if (finding !== undefined) found.push({ pointer: `${base}/${i}`, ...finding });
    });
  };
  subnets(policy?.['trustedSubnets'], '/trustedSubnets');
  eachString(policy?.['trustedSubnets'], (entry, i) => {
    const finding = lintTrustedCidrWidth(entry);
    if (finding !== undefined) found.push({ pointer: `/trustedSubnets/${i}`, ...finding });
  });
  subnets(record(policy?.['deny'])?.['subnets'], '/deny/subnets');
  for (const dead of findDeadEntries(document)) found.push({ ...dead, severity: 'warning', rule: 'dead-trusted-entry' });
  for (const pointer of map.duplicateKeys) {
    found.push({ pointer, severity: 'error', rule: 'duplicate-field', message: `field '${pointer.split('/').pop() ?? ''}' is written twice; JSON keeps only the last`, fix: 'keep one of them' });
  }
  return found.map((d) => {
    const at = d.rule === 'unknown-field' || d.rule === 'duplicate-field' ? map.key(d.pointer) : map.value(d.pointer);
    return { file, ...d, ...(at === undefined ? {} : { line: at.line, column: at.column }) };
  });
}
