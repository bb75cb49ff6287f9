/**
 * The loader's hand-written schema check must accept exactly what ajv accepts with the published
 * schema less `uniqueItems`: it knows every keyword the schema uses, and the two agree on
 * generated documents built from valid values and near misses of each field.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import { conformsToSchema, IMPLEMENTED_KEYWORDS, isGuidText } from '../../src/policy/schema-fast-check.js';

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', '$comment']);

/** `pointer:keyword` of every assertion keyword in the schema (annotations left out). */
function keywordsOf(node: unknown, pointer: string, found: string[]): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return found;
  for (const [keyword, value] of Object.entries(node as Record<string, unknown>)) {
    if (ANNOTATIONS.has(keyword)) continue;
    found.push(`${pointer}:${keyword}`);
    if (keyword === 'properties' || keyword === '$defs') {
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) keywordsOf(child, `${pointer}/${keyword}/${name}`, found);
    } else if (keyword === 'items') keywordsOf(value, `${pointer}/items`, found);
    else if (keyword === 'anyOf') (value as unknown[]).forEach((child, i) => keywordsOf(child, `${pointer}/anyOf/${i}`, found));
  }
  return found;
}

function withoutUniqueItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUniqueItems);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'uniqueItems').map(([key, value]) => [key, withoutUniqueItems(value)]));
}

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(withoutUniqueItems(policySchema) as object);

const GUID = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const TARGET = `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*`;
const ASTRAL = '\u{1F600}';
/** Values near each rule's edge: valid and invalid both, for every kind of field. */
const strings = [
  '', '*', 'a', 'a-b', '-a', 'A', 'payments-pls', 'x'.repeat(63), 'x'.repeat(64), ASTRAL.repeat(600), ASTRAL.repeat(1100), 'é'.repeat(1025), '\ud800',
  GUID, GUID.toUpperCase(), GUID.slice(1), `${GUID}\n`, GUID.replace('-', '_'), GUID.replace('0', 'g'),
  TARGET, TARGET.replace('/subscriptions/', '/SUBSCRIPTIONS/'), TARGET.replace('/subscriptions/', '/subscription/'), '/subscriptions/', '/Subscriptions', ' /subscriptions/x', `/subscriptions/${'y'.repeat(2040)}`, `/subscriptions/${ASTRAL.repeat(1020)}`,
  '10.0.0.0/8', 'x'.repeat(2048), 'x'.repeat(2049), ASTRAL.repeat(2048), 'enforce', 'audit', 'manual', 'reject', 'Manual',
];
const scalar = fc.oneof(fc.constantFrom(...strings), fc.constantFrom<unknown>(0, 1, 1.5, 5, 100000, 100001, -1, true, null), fc.string({ maxLength: 40 }));
const list = fc.array(scalar, { maxLength: 4 });
const value = fc.oneof(scalar, list, fc.constant({}), fc.constant([]));
const fieldValue: Record<string, fc.Arbitrary<unknown>> = {
  $schema: value,
  name: value,
  description: value,
  mode: value,
  targets: fc.oneof(list, value),
  visibility: fc.oneof(list, value),
  autoApproval: fc.oneof(list, value),
  trustedSubnets: fc.oneof(list, value),
  trustedTenants: fc.oneof(list, value),
  deny: fc.oneof(value, fc.dictionary(fc.constantFrom('subscriptions', 'tenants', 'subnets', 'other'), fc.oneof(list, value), { maxKeys: 3 })),
  requestMessage: value,
  connectionLimit: value,
  otherwise: value,
  extra: value,
};
const base = { name: 'p', targets: [TARGET] };
const documents = fc.oneof(
  fc.record(fieldValue, { requiredKeys: [] }).map((fields) => ({ ...base, ...fields })),
  fc.record(fieldValue, { requiredKeys: [] }),
  value,
);

describe('the fast schema check', () => {
  it('implements every keyword of the published schema', () => {
    expect([...IMPLEMENTED_KEYWORDS].sort()).toEqual(keywordsOf(policySchema, '#', []).sort());
  });

  it('accepts exactly what ajv accepts', () => {
    fc.assert(
      fc.property(documents, (document) => {
        expect(conformsToSchema(document)).toBe(ajv(document));
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('accepts a full valid policy and refuses each near miss', () => {
    const valid = { $schema: 'x', name: 'p', description: 'd', mode: 'audit', targets: [TARGET], visibility: ['*', GUID], autoApproval: [GUID], trustedSubnets: ['10.0.0.0/8'], trustedTenants: [GUID], deny: { subscriptions: [GUID], tenants: [GUID], subnets: ['x'] }, requestMessage: '^a', connectionLimit: 100000, otherwise: 'reject' };
    expect(conformsToSchema(valid)).toBe(true);
    expect(ajv(valid)).toBe(true);
    for (const miss of [{ connectionLimit: 0 }, { autoApproval: ['*'] }, { trustedSubnets: [''] }, { deny: { subnet: [] } }, { targets: [] }, { name: 'P' }, { mode: 'Audit' }]) {
      expect(conformsToSchema({ ...valid, ...miss })).toBe(false);
      expect(ajv({ ...valid, ...miss })).toBe(false);
    }
  });
});

describe('isGuidText', () => {
  // The table check must accept exactly the schema's guid pattern, on strings built from the
  // characters where they could differ: hex digits of both cases, neighbours of their ranges,
  // dashes anywhere, non-ASCII (a code above 127 must not index past the table).
  const pattern = new RegExp(policySchema.$defs.guid.pattern, 'u');
  it('accepts exactly what the schema pattern accepts', () => {
    let accepted = 0;
    const char = fc.constantFrom(...'0189afAF-/:@`gG\u00e9\u0660\uff10'.split(''));
    const nearGuid = fc.tuple(fc.constantFrom(...GUID.split('').map((_, i) => i)), char).map(([i, c]) => GUID.slice(0, i) + c + GUID.slice(i + 1));
    const text = fc.oneof(nearGuid, fc.array(char, { minLength: 34, maxLength: 38 }).map((cs) => cs.join('')), fc.uuid(), fc.uuid().map((u) => u.toUpperCase()));
    fc.assert(
      fc.property(text, (t) => {
        expect(isGuidText(t)).toBe(pattern.test(t));
        if (pattern.test(t)) accepted++;
      }),
      { numRuns: 5000, seed: 21 },
    );
    expect(accepted).toBeGreaterThan(1000);
  });
});
