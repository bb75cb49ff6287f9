/**
 * `--format github|junit|sarif` checked by parsing what comes out: workflow commands by the
 * runner's grammar (file, line, col, escaped message), JUnit by an XML parser, SARIF against the
 * published OASIS SARIF 2.1.0 JSON Schema (vendored in test/fixtures/sarif/).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ajvDraft4 from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const SUB = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;

let dir: string;
/** A bad policy (an error at line 4, a warning at line 2), a good one, and a test file exercising both. */
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'linkgate-formats-'));
  await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad-name', targets: [`${PLS}/`] }, null, 2));
  await writeFile(path.join(dir, 'good.json'), JSON.stringify({ name: 'good', targets: [PLS] }, null, 2));
});

async function validate(format: string, ...flags: string[]) {
  return runCli(['validate', '--policies', '.', '--format', format, ...flags], { cwd: dir });
}

/** Parses `::level key=value,…::message` lines, undoing the runner's escapes. */
function parseWorkflowCommands(out: string) {
  const unescape = (s: string) => s.replace(/%0A/gu, '\n').replace(/%0D/gu, '\r').replace(/%3A/gu, ':').replace(/%2C/gu, ',').replace(/%25/gu, '%');
  return out
    .split('\n')
    .filter((l) => l.startsWith('::'))
    .map((line) => {
      const match = /^::(error|warning|notice) ([^:]*)::(.*)$/u.exec(line);
      expect(match, line).not.toBeNull();
      const [, level, props, message] = match as unknown as [string, string, string, string];
      const properties = Object.fromEntries(props.split(',').map((p) => p.split('=') as [string, string]).map(([k, v]) => [k, unescape(v)]));
      return { level, properties, message: unescape(message) };
    });
}

describe('--format github', () => {
  it('prints one workflow command per finding at its file, line and column', async () => {
    const r = await validate('github');
    expect(r.code).toBe(1);
    const commands = parseWorkflowCommands(r.stdout);
    expect(commands).toEqual([
      { level: 'warning', properties: { file: 'bad.json', line: '2', col: '11', title: 'linkgate validate: name-matches-file' }, message: expect.stringContaining("policy name 'bad-name' differs") },
      { level: 'error', properties: { file: 'bad.json', line: '4', col: '5', title: 'linkgate validate: target-trailing-slash' }, message: expect.stringContaining(`Fix: write ${PLS}`) },
    ]);
    const strict = parseWorkflowCommands((await validate('github', '--strict')).stdout);
    expect(strict.map((c) => c.level)).toEqual(['error', 'error']);
  });

  it('escapes newlines and percent signs so a message cannot forge another command', async () => {
    const { formatGithub } = await import('../../src/report/format-github.js');
    const out = formatGithub({ command: 'validate', strict: false, cases: [], summary: 'x', diagnostics: [{ file: 'a,b:c.json', pointer: '', severity: 'error', rule: 'r', message: 'one\n::error::forged 100%', fix: 'f' }] });
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(1);
    expect(parseWorkflowCommands(out)[0]).toMatchObject({ properties: { file: 'a,b:c.json' }, message: 'one\n::error::forged 100%. Fix: f' });
  });
});

describe('--format junit', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) });

  it('is well-formed JUnit XML: a testcase per policy file, a failure per error, warnings in system-out', async () => {
    const r = await validate('junit');
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = parser.parse(r.stdout) as { testsuites: { name: string; tests: string; failures: string; testsuite: Array<{ testcase: Array<{ name: string; failure?: Array<{ type: string; message: string }>; 'system-out'?: string }> }> } };
    expect(xml.testsuites).toMatchObject({ name: 'linkgate validate', tests: '2', failures: '1' });
    const [bad, good] = xml.testsuites.testsuite[0]?.testcase ?? [];
    expect(bad?.name).toBe('bad.json');
    expect(bad?.failure).toEqual([expect.objectContaining({ type: 'target-trailing-slash', message: "ends in '/': an ARM resource ID never does" })]);
    expect(bad?.['system-out']).toContain('differs from its file name');
    expect(good).toMatchObject({ name: 'good.json' });
    expect(good?.failure).toBeUndefined();
  });

  it('several findings in one testcase are one <failure> holding every message', async () => {
    const { formatJunit } = await import('../../src/report/format-junit.js');
    const finding = (rule: string, message: string) => ({ file: 'f.json', pointer: '', severity: 'error' as const, rule, message, fix: 'x' });
    const out = formatJunit({ command: 'validate', strict: false, summary: '', diagnostics: [], cases: [{ suite: 's', name: 'f.json', diagnostics: [finding('r1', 'first'), finding('r2', 'second')] }] });
    const xml = parser.parse(out) as { testsuites: { testsuite: Array<{ testcase: Array<{ failure: Array<{ message: string; type: string; '#text': string }> }> }> } };
    const failures = xml.testsuites.testsuite[0]?.testcase[0]?.failure ?? [];
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ message: '2 findings: first; second', type: 'r1 r2' });
    expect(failures[0]?.['#text']).toContain('error: second');
  });

  it('escapes markup and drops characters XML cannot hold', async () => {
    const { formatJunit } = await import('../../src/report/format-junit.js');
    const out = formatJunit({ command: 'test', strict: false, summary: '', diagnostics: [], cases: [{ suite: 's', name: 'a <b> & "c" \u0001', diagnostics: [{ file: 'f', pointer: '', severity: 'error', rule: 'r', message: ']]> <x/>', fix: 'f' }] }] });
    expect(XMLValidator.validate(out)).toBe(true);
    const xml = parser.parse(out) as { testsuites: { testsuite: Array<{ testcase: Array<{ name: string; failure: Array<{ message: string }> }> }> } };
    expect(xml.testsuites.testsuite[0]?.testcase[0]).toMatchObject({ name: 'a <b> & "c" \uFFFD', failure: [{ message: ']]> <x/>' }] });
  });
});

describe('--format sarif', () => {
  let validateSarif: (data: unknown) => boolean;
  let errorsText: () => string;
  beforeAll(async () => {
    const schema = JSON.parse(await readFile('test/fixtures/sarif/sarif-schema-2.1.0.json', 'utf8')) as object;
    // A CommonJS module whose export is the class itself (module.exports = Ajv), typed as an ES default.
    const AjvDraft4 = ajvDraft4 as unknown as typeof ajvDraft4.default;
    const ajv = new AjvDraft4({ allErrors: true, strict: false, validateFormats: false });
    const compiled = ajv.compile(schema);
    validateSarif = (data) => compiled(data);
    errorsText = () => ajv.errorsText(compiled.errors);
    // The schema really constrains: a log without a tool is refused.
    expect(validateSarif({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });

  it('validates against the SARIF 2.1.0 schema, with rules, levels and regions', async () => {
    const r = await validate('sarif');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }> };
    expect(validateSarif(sarif), errorsText()).toBe(true);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run?.tool.driver.name).toBe('linkgate');
    expect(run?.results.map((x) => [x.ruleId, x.level, x.locations[0]?.physicalLocation.artifactLocation.uri, x.locations[0]?.physicalLocation.region])).toEqual([
      ['name-matches-file', 'warning', 'bad.json', { startLine: 2, startColumn: 11 }],
      ['target-trailing-slash', 'error', 'bad.json', { startLine: 4, startColumn: 5 }],
    ]);
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
  });

  it('a clean folder is a valid SARIF log with no results', async () => {
    const clean = await mkdtemp(path.join(tmpdir(), 'linkgate-formats-'));
    await writeFile(path.join(clean, 'good.json'), JSON.stringify({ name: 'good', targets: [PLS] }));
    const r = await runCli(['validate', '--policies', clean, '--format', 'sarif'], { cwd: clean });
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ results: unknown[] }> };
    expect(validateSarif(sarif), errorsText()).toBe(true);
    expect(sarif.runs[0]?.results).toEqual([]);
  });
});

describe('--format usage', () => {
  it('an unknown format is bad usage', async () => {
    const r = await runCli(['validate', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of text, json, github, junit, sarif');
  });
});
