/**
 * `linkgate init`: in an empty folder it writes a set that passes `validate --strict` and `test`
 * with every rule covered, and a workflow running validate, test and plan; this repository runs
 * the same workflow on its own policies.
 */
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPolicyWorkflow, WORKFLOW_PATH } from '../../src/init/policy-workflow.js';
import { runCli } from '../support/run-cli.js';

interface Workflow {
  on: { pull_request: { paths: string[] } };
  jobs: { policies: { steps: Array<{ name?: string; run?: string; uses?: string; if?: string }> } };
}

describe('linkgate init', () => {
  it('scaffolds a set that passes validate --strict and test, every rule covered', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-init-'));
    const init = await runCli(['init', dir]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('example-pls.test.json');
    const policies = path.join(dir, 'policies');
    const validate = await runCli(['validate', '--policies', policies, '--strict', '--format', 'json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true, errors: [], warnings: [] });
    expect(validate.code).toBe(0);
    const test = await runCli(['test', '--policies', policies, '--json']);
    const result = JSON.parse(test.stdout) as { failed: number; passed: number; coverage: Array<{ rules: Array<{ rule: string; covered: boolean }> }>; errors: unknown[] };
    expect(result).toMatchObject({ failed: 0, errors: [] });
    expect(result.passed).toBe(10);
    expect(result.coverage[0]?.rules).toEqual(
      ['deny', 'visibility', 'autoApproval', 'trustedSubnets (subnet ID)', 'trustedSubnets (CIDR)', 'trustedTenants', 'requestMessage', 'connectionLimit', 'otherwise'].map((rule) => ({ rule, covered: true })),
    );
    expect(test.code).toBe(0);
    const policy = JSON.parse(await readFile(path.join(policies, 'example-pls.json'), 'utf8')) as { $schema: string };
    expect(policy.$schema).toBe('./schema/policy.schema.json');
    expect(JSON.parse(await readFile(path.join(policies, policy.$schema), 'utf8'))).toEqual(JSON.parse(await readFile('policies/schema/policy.schema.json', 'utf8')));
  });

  it('writes a workflow that validates (github), tests (junit) and plans (markdown summary) when a snapshot exists', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-init-'));
    await runCli(['init'], { cwd: dir });
    const workflow = parse(await readFile(path.join(dir, WORKFLOW_PATH), 'utf8')) as Workflow;
    const runs = workflow.jobs.policies.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('linkgate validate --policies policies --strict --format github');
    expect(runs).toContain('linkgate test --policies policies --format junit');
    expect(runs).toMatch(/linkgate plan --base .* --connections policy-snapshot\/connections\.jsonl --format markdown >> "\$GITHUB_STEP_SUMMARY"/su);
    expect(workflow.jobs.policies.steps.find((s) => s.run?.includes('linkgate plan'))?.if).toContain("hashFiles('policy-snapshot/connections.jsonl') != ''");
    expect(workflow.on.pull_request.paths).toContain('policies/**');
  });

  it('never overwrites: an existing file stops it, naming the file (exit 1)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-init-'));
    await mkdir(path.join(dir, 'policies'));
    await writeFile(path.join(dir, 'policies', 'example-pls.json'), 'mine');
    const r = await runCli(['init', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not overwriting what is there: policies/example-pls.json');
    expect(await readFile(path.join(dir, 'policies', 'example-pls.json'), 'utf8')).toBe('mine');
  });

  it("this repository runs the same workflow on its own policies (built from source)", async () => {
    const ours = await readFile(WORKFLOW_PATH, 'utf8');
    expect(ours).toBe(renderPolicyWorkflow({ policies: 'policies', snapshot: 'policy-snapshot/connections.jsonl', linkgate: { kind: 'source' } }));
    // What its steps run passes here.
    expect((await runCli(['validate', '--policies', 'policies', '--strict', '--format', 'github'])).code).toBe(0);
    expect((await runCli(['test', '--policies', 'policies', '--format', 'junit'])).code).toBe(0);
  });
});
