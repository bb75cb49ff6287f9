/**
 * Each lint of `linkgate validate` on a bad policy: refused (or warned) with file, JSON pointer,
 * line and column, and the suggestion; --strict makes warnings fail.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import { runCli } from '../support/run-cli.js';

const SUB = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
const RG = `/subscriptions/${SUB}/resourceGroups/rg/providers`;
const PLS = `${RG}/Microsoft.Network/privateLinkServices/pls`;
const CONSUMER = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';

/** Writes one policy file (pretty-printed, so each list entry sits on its own line) and validates the folder. */
async function validate(name: string, content: string | object, ...flags: string[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-lint-'));
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  await writeFile(path.join(dir, `${name}.json`), text);
  const result = await runCli(['validate', '--policies', dir, '--format', 'json', ...flags], { cwd: dir });
  const body = JSON.parse(result.stdout) as { ok: boolean; errors: Diagnostic[]; warnings: Diagnostic[] };
  return { code: result.code, ...body, text };
}

/** 1-based line and column of the n-th occurrence of `needle` in text (what the lint must report). */
function locate(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

describe('validate: target lint', () => {
  it('a type not in the registry is refused with the nearest registered type and the target rewritten', async () => {
    const target = `${RG}/Microsoft.Storage/storageAccount/x*`;
    const r = await validate('p', { name: 'p', targets: [target] });
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      expect.objectContaining({
        file: 'p.json',
        pointer: '/targets/0',
        rule: 'target-unknown-type',
        ...locate(r.text, `"${target}"`),
        fix: expect.stringContaining(`did you mean 'Microsoft.Storage/storageAccounts'? write ${RG}/Microsoft.Storage/storageAccounts/x*`),
      }),
    ]);
  });

  it('a namespace typo under a wildcard type is refused with the nearest namespace', async () => {
    const r = await validate('p', { name: 'p', targets: [`${RG}/Microsoft.Netwrk/*/*`] });
    expect(r.errors).toEqual([expect.objectContaining({ pointer: '/targets/0', rule: 'target-unknown-type', fix: "did you mean the namespace 'Microsoft.Network'?" })]);
  });

  it("a trailing '/' is refused with the target without it", async () => {
    const r = await validate('p', { name: 'p', targets: [`${PLS}/`] });
    expect(r.errors).toEqual([expect.objectContaining({ pointer: '/targets/0', rule: 'target-trailing-slash', line: 4, column: 5, fix: `write ${PLS}` })]);
  });

  it('a connection ID is refused, pointing at its provider resource', async () => {
    const r = await validate('p', { name: 'p', targets: [`${PLS}/privateEndpointConnections/c1`] });
    expect(r.errors).toEqual([expect.objectContaining({ file: 'p.json', pointer: '/targets/0', rule: 'target-child-resource', line: 4, column: 5, fix: `target the provider resource: ${PLS}` })]);
  });

  it('a subnet ID and a child resource are refused', async () => {
    const r = await validate('p', { name: 'p', targets: [`${RG}/Microsoft.Network/virtualNetworks/hub/subnets/pe`, `${RG}/Microsoft.Storage/storageAccounts/sa/blobServices/default`] });
    expect(r.errors).toEqual([
      expect.objectContaining({ pointer: '/targets/0', rule: 'target-child-resource', line: 4, column: 5, message: expect.stringContaining('names a subnet') }),
      expect.objectContaining({ pointer: '/targets/1', rule: 'target-child-resource', line: 5, column: 5, fix: `target the parent: ${RG}/Microsoft.Storage/storageAccounts/sa` }),
    ]);
  });

  it('a private endpoint is refused', async () => {
    const r = await validate('p', { name: 'p', targets: [`${RG}/Microsoft.Network/privateEndpoints/pe-*`] });
    expect(r.errors).toEqual([expect.objectContaining({ file: 'p.json', pointer: '/targets/0', rule: 'target-private-endpoint', line: 4, column: 5, fix: expect.stringContaining('use trustedSubnets') })]);
  });

  it('a resource group is refused; registered types, wildcards and ** pass', async () => {
    const bad = await validate('p', { name: 'p', targets: [`/subscriptions/${SUB}/resourceGroups/rg`] });
    expect(bad.errors).toEqual([expect.objectContaining({ pointer: '/targets/0', rule: 'target-not-a-resource', line: 4, column: 5, fix: expect.stringContaining('/**') })]);
    const good = await validate('p', {
      name: 'p',
      targets: [`${RG}/microsoft.network/PRIVATELINKSERVICES/*`, `/subscriptions/*/resourceGroups/*/providers/Microsoft.HybridNetwork/publishers/*/artifactStores/*`, `/subscriptions/${SUB}/**`, `${RG}/Microsoft.KeyVault/*/*`],
    });
    expect(good).toMatchObject({ code: 0, ok: true, errors: [], warnings: [] });
  });
});

describe('validate: subnet patterns', () => {
  it('`…/subnet/*` is refused with the segment corrected, in trustedSubnets and deny.subnets', async () => {
    const wrong = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnet/*`;
    const r = await validate('p', { name: 'p', targets: [PLS], trustedSubnets: [wrong], deny: { subnets: [wrong] } });
    const fix = `write ${wrong.replace('/subnet/', '/subnets/')}`;
    expect(r.errors).toEqual([
      expect.objectContaining({ pointer: '/trustedSubnets/0', rule: 'subnet-pattern-shape', fix, ...locate(r.text, `"${wrong}"`) }),
      expect.objectContaining({ pointer: '/deny/subnets/0', rule: 'subnet-pattern-shape', fix, line: 11, column: 7 }),
    ]);
  });

  it('a VNet ID is refused with /subnets/* as the fix; a ** pattern that cannot reach a subnet too', async () => {
    const vnet = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
    const r = await validate('p', { name: 'p', targets: [PLS], trustedSubnets: [vnet, `/subscriptions/${SUB}/**/privateEndpoints/*`, `/subscriptions/${SUB}/**/subnets/*`] });
    expect(r.errors).toEqual([
      expect.objectContaining({ pointer: '/trustedSubnets/0', line: 7, column: 5, fix: `write ${vnet}/subnets/* to trust every subnet of that virtual network` }),
      expect.objectContaining({ pointer: '/trustedSubnets/1', line: 8, column: 5, message: expect.stringContaining('can never match a subnet ID') }),
    ]);
  });
});

describe('validate: dead trusted entries (warnings)', () => {
  const policy = {
    name: 'p',
    targets: [PLS],
    autoApproval: [CONSUMER],
    trustedSubnets: ['10.20.1.0/24', '10.30.0.0/16', `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe-*`],
    trustedTenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
    deny: { subscriptions: [CONSUMER.toUpperCase()], tenants: ['72F988BF-86F1-41AF-91AB-2D7CD011DB47'], subnets: ['10.20.0.0/16', `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/*/subnets/*`] },
  };

  it('warns for each entry a deny entry overrides, passes without --strict, fails with it', async () => {
    const r = await validate('p', policy);
    expect(r.code).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.pointer, w.rule])).toEqual([
      ['/autoApproval/0', 'dead-trusted-entry'],
      ['/trustedSubnets/0', 'dead-trusted-entry'],
      ['/trustedSubnets/2', 'dead-trusted-entry'],
      ['/trustedTenants/0', 'dead-trusted-entry'],
    ]);
    expect(r.warnings[1]).toMatchObject({ ...locate(r.text, '"10.20.1.0/24"'), message: expect.stringContaining('inside deny.subnets entry 10.20.0.0/16') });
    const strict = await validate('p', policy, '--strict');
    expect(strict).toMatchObject({ code: 1, ok: false });
  });
});

describe('validate: trusted CIDR blocks that trust nearly everyone (warnings)', () => {
  it('warns for 0.0.0.0/0, ::/0 and anything wider than /8 (IPv4) or /16 (IPv6); --strict fails', async () => {
    const policy = { name: 'p', targets: [PLS], trustedSubnets: ['0.0.0.0/0', '::/0', '10.0.0.0/8', '0.0.0.0/7', '2001::/16', '2000::/3'] };
    const r = await validate('p', policy);
    expect(r.code).toBe(0);
    expect(r.warnings.map((w) => [w.pointer, w.rule])).toEqual([
      ['/trustedSubnets/0', 'subnet-too-broad'],
      ['/trustedSubnets/1', 'subnet-too-broad'],
      ['/trustedSubnets/3', 'subnet-too-broad'],
      ['/trustedSubnets/5', 'subnet-too-broad'],
    ]);
    expect(r.warnings[0]).toMatchObject({ ...locate(r.text, '"0.0.0.0/0"'), message: expect.stringContaining('everyone whose IP linkgate can read') });
    expect(await validate('p', policy, '--strict')).toMatchObject({ code: 1, ok: false });
  });
});

describe('validate: names, fields, JSON syntax', () => {
  it('a name that differs from the file name is a warning naming both', async () => {
    const r = await validate('payments', { name: 'payment', targets: [PLS] });
    expect(r.code).toBe(0);
    expect(r.warnings).toEqual([expect.objectContaining({ pointer: '/name', rule: 'name-matches-file', line: 2, column: 11, fix: expect.stringContaining('rename the file to payment.json') })]);
  });

  it('an unknown field suggests the nearest field, at the key, top level and in deny', async () => {
    const r = await validate('p', { name: 'p', targets: [PLS], visibilty: ['*'], deny: { subscription: [CONSUMER] }, zzzzzzzz: 1 });
    expect(r.errors).toEqual([
      expect.objectContaining({ pointer: '/visibilty', rule: 'unknown-field', line: 6, column: 3, fix: "did you mean 'visibility'? rename it" }),
      expect.objectContaining({ pointer: '/deny/subscription', line: 10, column: 5, fix: "did you mean 'subscriptions'? rename it" }),
      expect.objectContaining({ pointer: '/zzzzzzzz', fix: expect.stringContaining('remove it; the fields are: $schema, name,') }),
    ]);
  });

  it('a field written twice is refused', async () => {
    const r = await validate('p', `{"name": "p", "targets": ["${PLS}"], "deny": {"subscriptions": ["${CONSUMER}"]},\n "deny": {}}`);
    expect(r.errors).toEqual([expect.objectContaining({ pointer: '/deny', rule: 'duplicate-field', line: 2, column: 2 })]);
  });

  it('a trailing comma names its line and column and says to remove it', async () => {
    const r = await validate('p', `{\n  "name": "p",\n  "targets": ["${PLS}"],\n}\n`);
    expect(r.errors).toEqual([expect.objectContaining({ pointer: '', rule: 'json-syntax', line: 3, column: PLS.length + 18, message: "not valid JSON: trailing comma before '}'", fix: expect.stringContaining("remove the ','") })]);
  });

  it('a single backslash in a regex says to write \\\\d, with the corrected line', async () => {
    const r = await validate('p', `{\n  "name": "p",\n  "targets": ["${PLS}"],\n  "requestMessage": "^CHG\\d{7}"\n}\n`);
    expect(r.errors).toEqual([expect.objectContaining({ rule: 'json-syntax', line: 4, column: 26, fix: String.raw`write '\\d' for the regex '\d'; the line becomes: "requestMessage": "^CHG\\d{7}"` })]);
  });

  it.each([
    ['a comment', `{"name": "p", // the name\n "targets": []}`, 1, 15, 'JSON has no comments'],
    ['single quotes', `{"name": 'p'}`, 1, 10, 'strings in JSON use double quotes'],
    ['an unquoted key', `{\n  name: "p"}`, 2, 3, 'field name name is not quoted'],
    ['a missing comma', `{"name": "p"\n "targets": []}`, 1, 13, "expected ',' or '}'"],
    ['a truncated file', `{"name": "p",`, 1, 14, 'the file ends before the JSON does'],
    ['a string across lines', `{"name": "p\n"}`, 1, 12, 'a string runs past the end of the line'],
  ])('%s is placed and explained', async (_what, text, line, column, message) => {
    const r = await validate('p', text);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.objectContaining({ rule: 'json-syntax', line, column, message: expect.stringContaining(message) })]);
  });

  it('the loader and the lint agree with JSON.parse on what is JSON (shipped policies and tests)', async () => {
    const { parseJsonWithSourceMap } = await import('../../src/lint/json-source-map.js');
    const { readFile, readdir } = await import('node:fs/promises');
    const dir = path.resolve('policies');
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      const text = await readFile(path.join(dir, name), 'utf8');
      const parsed = parseJsonWithSourceMap(text);
      expect(parsed.ok && parsed.value).toEqual(JSON.parse(text));
    }
    for (const text of ['1e5', '-0.5', '"\\u00e9\\n"', '[true,false,null]', '{"__proto__": {"x": 1}}', '  {}  ']) {
      const parsed = parseJsonWithSourceMap(text);
      expect(parsed.ok && parsed.value).toEqual(JSON.parse(text));
    }
    for (const text of ['01', '1.', '.5', '[1,]', '{"a":1,}', 'tru', '"\\x"', '\uFEFF{}', '{} {}', '[', '"a', '+1']) {
      expect(() => JSON.parse(text)).toThrow();
      expect(parseJsonWithSourceMap(text).ok).toBe(false);
    }
  });

  it('an empty folder is a warning, failing under --strict', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-lint-'));
    const loose = await runCli(['validate', '--policies', dir], { cwd: dir });
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain('no policy files');
    const strict = await runCli(['validate', '--policies', dir, '--strict'], { cwd: dir });
    expect(strict.code).toBe(1);
  });
});

describe('validate: name fixes', () => {
  it('an invalid name is never suggested as a file name: the fix gives a valid one', async () => {
    const r = await validate('payments', { name: 'Bad_Name', targets: [PLS] });
    const warning = r.warnings.find((w) => w.rule === 'name-matches-file');
    expect(warning?.fix).toContain("rename the policy to 'bad-name'");
    expect(warning?.fix).toContain('bad-name.json');
    expect(warning?.fix).not.toContain('Bad_Name.json');
    const same = await validate('bad-name', { name: 'Bad_Name', targets: [PLS] });
    expect(same.warnings.find((w) => w.rule === 'name-matches-file')?.fix).toBe("rename the policy to 'bad-name' (names are lower-case letters, digits and '-')");
  });
});

describe('validate: every error in one run', () => {
  it('a duplicate name is reported beside other errors in the same and in the other file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-lint-'));
    await writeFile(path.join(dir, 'a.json'), JSON.stringify({ name: 'same', targets: [PLS], bogus: 1 }, null, 2));
    await writeFile(path.join(dir, 'b.json'), JSON.stringify({ name: 'same', targets: [PLS], trustedSubnets: ['10.0.0.0/33'] }, null, 2));
    const r = await runCli(['validate', '--policies', dir, '--format', 'json'], { cwd: dir });
    const body = JSON.parse(r.stdout) as { errors: Diagnostic[] };
    expect(r.code).toBe(1);
    expect(body.errors.map((e) => [e.file, e.rule])).toEqual(
      expect.arrayContaining([
        ['a.json', 'unknown-field'],
        ['b.json', 'duplicate-name'],
        ['b.json', 'subnet-invalid'],
      ]),
    );
  });
});
