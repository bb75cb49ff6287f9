import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicies, loadPolicySetOrThrow, PolicyLoadError, validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { policyRevision } from '../../src/policy/policy-revision.js';

const SUB = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
const OTHER = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
const TARGET = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/*`;

function validate(document: Record<string, unknown>, file = 'policies/p.json') {
  return validatePolicyDocuments([{ file, text: JSON.stringify({ name: 'p', targets: [TARGET], ...document }) }]);
}

describe('policy validation', () => {
  it('accepts a full policy', () => {
    const result = validate({
      $schema: './schema/policy.schema.json',
      description: 'd',
      mode: 'enforce',
      visibility: [SUB, OTHER],
      autoApproval: [OTHER],
      trustedSubnets: [`/subscriptions/${OTHER}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`, '10.20.0.0/16', 'fd00:1::/48'],
      trustedTenants: [SUB],
      deny: { subscriptions: [SUB.replace('0b', '1b')], tenants: [OTHER.replace('5f', '6f')], subnets: ['10.99.0.0/16'] },
      requestMessage: '^(CHG|INC)[0-9]{6}\\b',
      connectionLimit: 5,
      otherwise: 'reject',
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['an unknown field', { colour: 'blue' }, '/colour', "unknown field 'colour'"],
    ['an unknown deny field', { deny: { regions: [] } }, '/deny/regions', "unknown field 'regions'"],
    ['a bad GUID', { autoApproval: ['not-a-guid'], visibility: ['*'] }, '/autoApproval/0', 'is not a GUID'],
    ['a bad tenant GUID', { trustedTenants: ['1234'] }, '/trustedTenants/0', 'is not a GUID'],
    ['* outside visibility', { autoApproval: ['*'] }, '/autoApproval/0', "'*' is only allowed in visibility"],
    ['* in deny', { deny: { subscriptions: ['*'] } }, '/deny/subscriptions/0', "'*' is only allowed in visibility"],
    ['a bad CIDR', { trustedSubnets: ['10.20.1.0/16'] }, '/trustedSubnets/0', 'host bits are set'],
    ['a bad IPv6 CIDR', { deny: { subnets: ['fd00::/200'] } }, '/deny/subnets/0', 'not a valid CIDR'],
    ['a bad subnet pattern', { trustedSubnets: ['/subscriptions/nope/x'] }, '/trustedSubnets/0', 'not a subnet ID pattern'],
    ['an uncompilable regex', { requestMessage: '(' }, '/requestMessage', 'RE2 cannot use this pattern: missing closing )'],
    ['a regex RE2 cannot express', { requestMessage: '^(a)\\1$' }, '/requestMessage', 'RE2 cannot use this pattern'],
    ['a duplicate CIDR', { trustedSubnets: ['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/8'] }, '/trustedSubnets', 'has duplicate entries'],
    ['a duplicate denied subscription', { deny: { subscriptions: [SUB, OTHER, SUB] } }, '/deny/subscriptions', 'has duplicate entries'],
    ['autoApproval outside visibility', { visibility: [SUB], autoApproval: [OTHER] }, '/autoApproval/0', 'not in visibility'],
    ['a target that is not an ARM ID', { targets: ['storage/*'] }, '/targets/0', 'not an ARM resource ID pattern'],
    ['a target with ..', { targets: [`/subscriptions/${SUB}/resourceGroups/../x`] }, '/targets/0', "'..'"],
    ['a bad name', { name: 'Pay API' }, '/name', 'lower-case'],
    ['a bad mode', { mode: 'yolo' }, '/mode', 'is not allowed'],
    ['a bad otherwise', { otherwise: 'approve' }, '/otherwise', 'is not allowed'],
    ['a non-integer limit', { connectionLimit: 1.5 }, '/connectionLimit', 'must be integer'],
    ['no targets', { targets: [] }, '/targets', 'must NOT have fewer than 1 items'],
  ])('refuses %s, naming the file and field', (_label, document, pointer, message) => {
    const result = validate(document);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual(expect.objectContaining({ file: 'policies/p.json', pointer, message: expect.stringContaining(message), fix: expect.any(String) }));
  });

  it('refuses a missing required field', () => {
    const result = validatePolicyDocuments([{ file: 'policies/x.json', text: '{"name": "x"}' }]);
    expect(!result.ok && result.errors[0]).toMatchObject({ pointer: '', message: "missing required field 'targets'" });
  });

  it('refuses duplicate names across files', () => {
    const text = JSON.stringify({ name: 'same', targets: [TARGET] });
    const result = validatePolicyDocuments([{ file: 'policies/a.json', text }, { file: 'policies/b.json', text }]);
    expect(!result.ok && result.errors).toEqual([expect.objectContaining({ file: 'policies/b.json', pointer: '/name', message: "name 'same' is already used by policies/a.json" })]);
  });

  it('reports JSON syntax errors with a line', () => {
    const result = validatePolicyDocuments([{ file: 'policies/a.json', text: '{\n  "name": "a",\n  oops\n}' }]);
    expect(!result.ok && result.errors[0]?.message).toMatch(/not valid JSON at line 3/u);
  });

  it('refuses the whole set when one file is bad, listing every error', () => {
    const good = JSON.stringify({ name: 'good', targets: [TARGET] });
    const result = validatePolicyDocuments([
      { file: 'a.json', text: good },
      { file: 'b.json', text: JSON.stringify({ name: 'b', targets: [TARGET], colour: 1, autoApproval: ['x'] }) },
    ]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.length).toBe(2);
  });

  it('lists schema and semantic errors of one file in one pass, each value reported once', () => {
    const result = validate({ autoApproval: ['*'], trustedSubnets: ['10.0.0.0/33', 42], requestMessage: '(a)\\1' });
    expect(result.ok).toBe(false);
    const pointers = result.ok ? [] : result.errors.map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/autoApproval/0', '/requestMessage', '/trustedSubnets/0', '/trustedSubnets/1']);
  });
});

describe('loading a folder', () => {
  it('reads *.json but not *.test.json, and the shipped policies are valid', async () => {
    const result = await loadPolicies('policies');
    expect(result.ok).toBe(true);
    expect(result.files.map((f) => path.basename(f))).toEqual(['paydata-storage.json', 'payments-pls.json', 'secrets-audit.json']);
  });

  it('a missing folder is a usage error (exit 2) with a hint', async () => {
    const error = await loadPolicySetOrThrow('no/such/dir').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyLoadError);
    expect((error as PolicyLoadError).exitCode).toBe(2);
    expect((error as PolicyLoadError).message).toContain('policy folder not found');
  });

  it('an invalid set throws with every error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-policies-'));
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad', targets: [TARGET], autoApproval: ['*'] }));
    await writeFile(path.join(dir, 'bad.test.json'), 'not even json');
    await expect(loadPolicySetOrThrow(dir)).rejects.toThrow(/bad\.json#\/autoApproval\/0: '\*' is only allowed in visibility/u);
  });
});

describe('policyRevision', () => {
  it('ignores order, key order and $schema, and changes with any content', () => {
    const a = { name: 'a', targets: [TARGET], otherwise: 'reject' as const };
    const b = { name: 'b', targets: [TARGET] };
    expect(policyRevision([a, b])).toBe(policyRevision([b, { otherwise: 'reject', targets: [TARGET], name: 'a', $schema: 'x' }]));
    expect(policyRevision([a, b])).not.toBe(policyRevision([{ ...a, otherwise: 'manual' }, b]));
    expect(policyRevision([a])).toMatch(/^sha256:[0-9a-f]{16}$/u);
  });

  it('changes when one entry of a long list changes or moves to another policy', () => {
    const cidrs = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const a = { name: 'a', targets: [TARGET], trustedSubnets: cidrs };
    const b = { name: 'b', targets: [TARGET], trustedSubnets: ['192.168.0.0/16'] };
    const base = policyRevision([a, b]);
    expect(policyRevision([{ ...a, trustedSubnets: cidrs.map((c, i) => (i === 500 ? '10.99.0.0/24' : c)) }, b])).not.toBe(base);
    expect(policyRevision([{ ...a, trustedSubnets: cidrs.slice(1) }, { ...b, trustedSubnets: [cidrs[0]!, '192.168.0.0/16'] }])).not.toBe(base);
    expect(policyRevision([b, { ...a, trustedSubnets: [...cidrs] }])).toBe(base);
  });
});
