/**
 * `linkgate test`: per-case results (a malformed case fails alone, naming the property and fix),
 * files and --run, the suite-level failures (no policies, untested policies), rule coverage, and
 * the CI formats.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const PLS = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api';
const TRUSTED = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
const OTHER = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const DENIED = '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d';

function connection(name: string, consumer: string, message = '') {
  return {
    id: `${PLS}/privateEndpointConnections/${name}`,
    properties: {
      privateEndpoint: { id: `/subscriptions/${consumer}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/${name}` },
      privateLinkServiceConnectionState: { status: 'Pending', description: message },
    },
  };
}

const POLICY = { name: 'p', targets: [PLS], autoApproval: [TRUSTED], deny: { subscriptions: [DENIED] }, requestMessage: '^CHG', otherwise: 'reject' };

async function folder(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-test-cmd-'));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

const goodCases = [
  { name: 'trusted with ticket', connection: connection('a', TRUSTED, 'CHG1'), expect: { decision: 'approve', policy: 'p' } },
  { name: 'denied', connection: connection('b', DENIED), expect: { decision: 'reject' } },
];

describe('linkgate test: per case', () => {
  it('a malformed case fails alone, naming the property, the nearest name and its line; the others run', async () => {
    const dir = await folder({
      'p.json': POLICY,
      'p.test.json': { cases: [goodCases[0], { name: 'typo', connection: connection('c', OTHER), expected: { decision: 'reject' } }, goodCases[1], { name: 'bad decision', connection: connection('d', OTHER), expect: { decision: 'deny' } }] },
    });
    const r = await runCli(['test', '--policies', dir, '--allow-untested'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ trusted with ticket');
    expect(r.stdout).toContain('✓ denied');
    expect(r.stdout).toContain('✗ typo');
    expect(r.stdout).toContain("unknown property 'expected' in the case");
    expect(r.stdout).toContain("did you mean 'expect'? rename it");
    expect(r.stdout).toContain("the case has no 'expect'");
    expect(r.stdout).toContain('use one of: "approve", "reject", "manual", "ignore"');
    expect(r.stdout).toContain('2 passed, 2 failed');
    const json = JSON.parse((await runCli(['test', '--policies', dir, '--json'], { cwd: dir })).stdout) as { results: Array<{ name: string; errors: Array<{ pointer: string; line: number; rule: string }> }> };
    const typo = json.results.find((x) => x.name === 'typo');
    expect(typo?.errors).toContainEqual(expect.objectContaining({ pointer: '/cases/1/expected', rule: 'test-case-invalid', line: expect.any(Number) }));
  });

  it('a wrong expectation says what differed, at the case', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: [{ name: 'wrong', connection: connection('a', TRUSTED, 'CHG1'), expect: { decision: 'reject' } }] } });
    const r = await runCli(['test', '--policies', dir, '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { failed: number; results: Array<{ errors: Array<{ rule: string; message: string; pointer: string }> }> };
    expect(json.failed).toBe(1);
    expect(json.results[0]?.errors[0]).toMatchObject({ rule: 'test-case-failed', pointer: '/cases/0/expect', message: expect.stringContaining('decision: expected reject, got approve') });
  });

  it('a test file that is not JSON fails with line and column; the other files run', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: goodCases }, 'q.test.json': '{"cases": [\n  {"name": "x",}\n]}' });
    const r = await runCli(['test', '--policies', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("trailing comma before '}'");
    expect(r.stdout).toContain('(line 2, column 15)');
    expect(r.stdout).toContain('2 passed, 1 failed');
  });
});

describe('linkgate test: selecting', () => {
  it('takes test files (or the policy file, meaning its tests) and --run PATTERN', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: goodCases }, 'q.test.json': { cases: [{ name: 'other', connection: connection('x', OTHER), expect: { decision: 'manual' } }] } });
    const one = await runCli(['test', '--policies', dir, 'p.test.json'], { cwd: dir });
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('2 passed, 0 failed');
    expect((await runCli(['test', '--policies', dir, 'p.json'], { cwd: dir })).stdout).toContain('2 passed, 0 failed');
    const filtered = await runCli(['test', '--policies', dir, '--run', '^den'], { cwd: dir });
    expect(filtered.stdout).toContain('1 passed, 0 failed');
    expect(filtered.stdout).not.toContain('trusted with ticket');
    expect((await runCli(['test', '--policies', dir, '--run', '('], { cwd: dir })).code).toBe(2);
  });

  it('--run matching no case fails (exit 1) saying nothing was tested', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: goodCases } });
    const none = await runCli(['test', '--policies', dir, '--run', '^no such case$'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no test case name matches --run "^no such case$": nothing was tested');
  });
});

describe('linkgate test: suite failures and coverage', () => {
  it('fails on a folder without policies', async () => {
    const dir = await folder({});
    const r = await runCli(['test', '--policies', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no policies in this folder');
  });

  it('fails on a policy no case exercises, unless --allow-untested (then a warning; --strict fails)', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: goodCases }, 'q.json': { name: 'q', targets: [`${PLS.replace('pay-api', 'other')}`] } });
    const r = await runCli(['test', '--policies', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: policy 'q' decides no test case");
    const relaxed = await runCli(['test', '--policies', dir, '--allow-untested'], { cwd: dir });
    expect(relaxed.code).toBe(0);
    expect(relaxed.stderr).toContain("warning: policy 'q' decides no test case");
    expect((await runCli(['test', '--policies', dir, '--allow-untested', '--strict'], { cwd: dir })).code).toBe(1);
  });

  it('reports which rules of each policy some case exercised', async () => {
    const dir = await folder({
      'p.json': POLICY,
      'p.test.json': { cases: [...goodCases, { name: 'no ticket', connection: connection('n', TRUSTED, 'hello'), expect: { decision: 'manual' } }] },
    });
    const r = await runCli(['test', '--policies', dir], { cwd: dir });
    expect(r.stdout).toContain('p (p.json): 3/4 rules, 3 case(s)  ✓ deny  ✓ autoApproval  ✓ requestMessage  ✗ otherwise');
    const json = JSON.parse((await runCli(['test', '--policies', dir, '--json'], { cwd: dir })).stdout) as { coverage: unknown[] };
    expect(json.coverage).toEqual([{ policy: 'p', file: 'p.json', cases: 3, rules: [{ rule: 'deny', covered: true }, { rule: 'autoApproval', covered: true }, { rule: 'requestMessage', covered: true }, { rule: 'otherwise', covered: false }] }]);
  });

  it('the shipped policies are all tested and every rule they define is covered', async () => {
    const r = await runCli(['test', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { coverage: Array<{ policy: string; rules: Array<{ rule: string; covered: boolean }> }> };
    for (const policy of json.coverage) expect(policy.rules.filter((x) => !x.covered).map((x) => `${policy.policy}: ${x.rule}`)).toEqual([]);
  });
});

describe('linkgate test: CI formats', () => {
  it('junit: a testcase per case, a failure for the failing one, coverage in system-out', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: [...goodCases, { name: 'wrong <one>', connection: connection('w', OTHER), expect: { decision: 'approve' } }] } });
    const r = await runCli(['test', '--policies', dir, '--format', 'junit'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'failure'].includes(n) }).parse(r.stdout) as {
      testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; testcase: Array<{ name: string; failure?: Array<{ type: string }>; 'system-out'?: string }> }> };
    };
    expect(xml.testsuites).toMatchObject({ tests: '4', failures: '1' });
    const cases = xml.testsuites.testsuite.flatMap((s) => s.testcase);
    expect(cases.map((c) => [c.name, c.failure?.[0]?.type ?? null])).toEqual([['trusted with ticket', null], ['denied', null], ['wrong <one>', 'test-case-failed'], ['rule coverage', null]]);
    expect(cases[3]?.['system-out']).toContain('✓ deny');
  });

  it('github: an error annotation at the failing case', async () => {
    const dir = await folder({ 'p.json': POLICY, 'p.test.json': { cases: [{ name: 'wrong', connection: connection('w', OTHER), expect: { decision: 'approve' } }] } });
    const r = await runCli(['test', '--policies', dir, '--format', 'github'], { cwd: dir });
    expect(r.stdout).toMatch(/^::error file=p\.test\.json,line=\d+,col=\d+,title=linkgate test%3A test-case-failed::case 'wrong': decision: expected approve, got reject/mu);
  });
});
