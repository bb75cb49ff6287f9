/**
 * `linkgate init`: in an empty folder it writes a set that passes `validate --strict` and `test`
 * with every rule covered, and a workflow running validate, test and plan; this repository runs
 * the same workflow on its own policies.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPolicyWorkflow, WORKFLOW_PATH } from '../../src/init/policy-workflow.js';
import { runCli } from '../support/run-cli.js';

interface Workflow {
  on: { pull_request: { paths: string[] } };
  jobs: { policies: { steps: Array<{ name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string> }> } };
}

/** Runs the workflow's install step in bash with a fake npm on PATH that records its arguments. */
async function runInstallStep(workflow: Workflow, from: string): Promise<{ code: number; out: string; npmArgs: string }> {
  const step = workflow.jobs.policies.steps.find((s) => s.name?.startsWith('Install linkgate'));
  if (step?.run === undefined) throw new Error('no install step');
  const bin = await mkdtemp(path.join(tmpdir(), 'linkgate-fake-npm-'));
  await writeFile(path.join(bin, 'npm'), `#!/bin/sh\nprintf '%s|' "$@" > "${bin}/args"\n`);
  await chmod(path.join(bin, 'npm'), 0o755);
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-c', step.run ?? ''], { env: { PATH: `${bin}:${process.env.PATH ?? ''}`, LINKGATE_FROM: from } }, (error, stdout, stderr) => {
      void readFile(path.join(bin, 'args'), 'utf8')
        .catch(() => '')
        .then((npmArgs) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, out: stdout + stderr, npmArgs }));
    });
  });
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

  it('never installs linkgate from the npm registry (it is not published): LINKGATE_FROM says where, and unset it fails saying what to set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-init-'));
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stdout).toContain('Set the repository variable LINKGATE_FROM');
    const text = await readFile(path.join(dir, WORKFLOW_PATH), 'utf8');
    expect(text).not.toMatch(/linkgate@/u);
    const workflow = parse(text) as Workflow;
    const install = workflow.jobs.policies.steps.find((s) => s.name?.startsWith('Install linkgate'));
    expect(install?.env?.LINKGATE_FROM).toBe('${{ vars.LINKGATE_FROM }}');
    const unset = await runInstallStep(workflow, '');
    expect(unset.code).toBe(1);
    expect(unset.out).toContain('::error::Set the repository variable LINKGATE_FROM');
    expect(unset.npmArgs).toBe('');
    const set = await runInstallStep(workflow, 'github:acme/linkgate#v0.1.0');
    expect(set.code).toBe(0);
    expect(set.npmArgs).toBe('install|--no-save|--no-package-lock|github:acme/linkgate#v0.1.0|');
  });

  it('init --from SPEC writes the install spec into the workflow', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-init-'));
    const init = await runCli(['init', '--from', "https://example.test/linkgate-0.1.0.tgz"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).not.toContain('Set the repository variable');
    const workflow = parse(await readFile(path.join(dir, WORKFLOW_PATH), 'utf8')) as Workflow;
    expect(workflow.jobs.policies.steps.find((s) => s.name?.startsWith('Install linkgate'))?.env?.LINKGATE_FROM).toBe('https://example.test/linkgate-0.1.0.tgz');
    expect((await runCli(['init', '--from', ' '], { cwd: dir })).code).toBe(2);
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
