import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const PLS = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api';
const TRUSTED = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';

function connection(name: string, consumer: string, status = 'Pending') {
  return {
    id: `${PLS}/privateEndpointConnections/${name}`,
    properties: {
      privateEndpoint: { id: `/subscriptions/${consumer}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/${name}` },
      privateLinkServiceConnectionState: { status, description: '' },
    },
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'linkgate-cli-'));
}

describe('linkgate --help', () => {
  it('lists every command and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['validate', 'test', 'explain', 'evaluate', 'serve', 'demo', 'reconcile', 'audit']) expect(result.stdout).toContain(command);
  });

  it.each(['validate', 'test', 'explain', 'evaluate', 'plan', 'export-connections', 'init'])('%s --help exits 0 with usage', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: linkgate ${command}`);
  });

  it('an unknown flag is bad usage (exit 2)', async () => {
    const result = await runCli(['validate', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Run 'linkgate validate --help'");
  });
});

describe('linkgate validate', () => {
  it('passes on the shipped policies', async () => {
    const result = await runCli(['validate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ 3 policies valid in policies \(revision sha256:[0-9a-f]{16}\)/u);
  });

  it('exits 1 naming file, pointer and fix; --json carries the same', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad', targets: [PLS], visibility: [TRUSTED], autoApproval: ['9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'] }));
    const text = await runCli(['validate', '--policies', dir]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`${path.join(path.relative(process.cwd(), dir), 'bad.json')}:1:`);
    expect(text.stderr).toMatch(/bad\.json:1:\d+: error: subscription 9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a is auto-approved but not in visibility \(#\/autoApproval\/0\)/u);
    expect(text.stderr).toContain('fix: add it to visibility');
    const json = await runCli(['validate', '--policies', dir, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: [{ pointer: '/autoApproval/0' }] });
  });

  it('a folder named like a policy file is not read as one', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'archive.json'));
    await writeFile(path.join(dir, 'p.json'), JSON.stringify({ name: 'p', targets: [PLS] }));
    const result = await runCli(['validate', '--policies', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ 1 policy valid');
  });

  it('reads LINKGATE_POLICY_DIR; a missing folder is exit 2', async () => {
    const result = await runCli(['validate'], { env: { LINKGATE_POLICY_DIR: 'no/such/folder' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('policy folder not found');
  });
});

describe('linkgate test', () => {
  it('runs the shipped policy tests: N passed, 0 failed', async () => {
    const result = await runCli(['test']);
    expect(result.stdout).toMatch(/\n(\d+) passed, 0 failed\n$/u);
    expect(Number(/(\d+) passed/u.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(24);
    expect(result.code).toBe(0);
  });

  it('a failing case exits 1 and says what differed', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'p.json'), JSON.stringify({ name: 'p', targets: [PLS], autoApproval: [TRUSTED] }));
    await writeFile(path.join(dir, 'p.test.json'), JSON.stringify({ cases: [
      { name: 'right', connection: connection('a', TRUSTED), expect: { decision: 'approve', policy: 'p' } },
      { name: 'wrong', connection: connection('b', TRUSTED), expect: { decision: 'reject' } },
    ] }));
    const result = await runCli(['test', '--policies', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ wrong');
    expect(result.stdout).toContain('decision: expected reject, got approve');
    expect(result.stdout).toContain('1 passed, 1 failed');
    const json = JSON.parse((await runCli(['test', '--policies', dir, '--json'])).stdout) as { passed: number; failed: number };
    expect(json).toMatchObject({ passed: 1, failed: 1 });
  });
});

describe('linkgate explain', () => {
  it('shows the decision, each policy verdict and the inputs used', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'c.json'), JSON.stringify(connection('x', TRUSTED)));
    await writeFile(path.join(dir, 'siblings.json'), JSON.stringify({ value: [] }));
    const result = await runCli(['explain', '--connection', path.join(dir, 'c.json'), '--target-connections', path.join(dir, 'siblings.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("decision    APPROVE by policy 'payments-pls'");
    expect(result.stdout).toContain('autoApproval: consumer subscription 5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b is listed');
    expect(result.stdout).toContain("the target's connections (--target-connections)");
    const json = JSON.parse((await runCli(['explain', '--connection', path.join(dir, 'c.json'), '--json'])).stdout) as { decision: { decision: string }; verdicts: unknown[] };
    expect(json.decision.decision).toBe('manual');
    expect(json.verdicts).toHaveLength(1);
  });

  it('accepts an ARM REST example file', async () => {
    const result = await runCli(['explain', '--connection', 'test/fixtures/arm-examples/PrivateLinkServiceGetPrivateEndpointConnection.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('decision    IGNORE');
  });

  it('input of the wrong shape is bad usage (exit 2): a connection that is not an object, a tenant that is not a GUID', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'array.json'), '[1,2]');
    await writeFile(path.join(dir, 'c.json'), JSON.stringify(connection('x', TRUSTED)));
    const array = await runCli(['explain', '--connection', path.join(dir, 'array.json')]);
    expect(array.code).toBe(2);
    expect(array.stderr).toContain('must be a JSON object');
    const tenant = await runCli(['explain', '--connection', path.join(dir, 'c.json'), '--tenant', 'nope']);
    expect(tenant.code).toBe(2);
    expect(tenant.stderr).toContain('--tenant "nope" must be a tenant ID (a GUID)');
  });

  it('requires --connection (exit 2) and reports unreadable files (exit 1)', async () => {
    expect((await runCli(['explain'])).code).toBe(2);
    const missing = await runCli(['explain', '--connection', 'nope.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read nope.json');
  });

  it('escapes control characters a consumer put in the request message', async () => {
    const dir = await tempDir();
    const hostile = connection('x', '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a');
    hostile.properties.privateLinkServiceConnectionState.description = 'hi\u001b[2J\u001b[31mAPPROVED';
    await writeFile(path.join(dir, 'c.json'), JSON.stringify(hostile));
    const dirPolicies = await tempDir();
    await writeFile(path.join(dirPolicies, 'p.json'), JSON.stringify({ name: 'p', targets: [PLS], autoApproval: ['9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'], requestMessage: '^CHG' }));
    const result = await runCli(['explain', '--policies', dirPolicies, '--connection', path.join(dir, 'c.json')]);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('\\u001b[2J');
  });
});

describe('linkgate evaluate', () => {
  it('streams one line out per line in, in order, errors in place', async () => {
    const lines = [
      JSON.stringify({ connection: connection('a', TRUSTED) }),
      'not json',
      '',
      JSON.stringify({ connection: connection('b', '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d') }),
      JSON.stringify({ connection: connection('c', TRUSTED), targetConnections: [] }),
      '[1,2]',
      JSON.stringify({ nope: 1 }),
      JSON.stringify({ connection: connection('d', TRUSTED, 'Approved') }),
    ];
    const result = await runCli(['evaluate', '-'], { stdin: lines.join('\n') + '\n' });
    expect(result.code).toBe(0);
    const out = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    expect(out.map((o) => o['decision'] ?? 'error')).toEqual(['manual', 'error', 'error', 'reject', 'approve', 'error', 'error', 'ignore']);
    expect(out[0]).toEqual({ connectionId: `${PLS}/privateEndpointConnections/a`, decision: 'manual', policy: 'payments-pls', reasons: expect.any(Array) });
    expect(out[1]?.['error']).toMatch(/^not JSON/u);
  });

  it('a line whose fields have the wrong shape is an error line in place, not a decision', async () => {
    const lines = [
      JSON.stringify({ connection: 5 }),
      JSON.stringify({ connection: connection('a', TRUSTED), consumerTenantId: 'nope' }),
      JSON.stringify({ connection: connection('b', TRUSTED), targetConnections: {} }),
      JSON.stringify({ connection: connection('c', TRUSTED) }),
    ];
    const result = await runCli(['evaluate', '-'], { stdin: lines.join('\n') + '\n' });
    expect(result.code).toBe(0);
    const out = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o['error'] ?? o['decision'])).toEqual([
      '"connection" must be a JSON object (a privateEndpointConnection as ARM returns it)',
      '"consumerTenantId" must be a tenant ID (a GUID)',
      '"targetConnections" must be an array of connections',
      'manual',
    ]);
  });

  it('reads a file given as argument and handles many lines', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'cases.jsonl');
    const count = 5000;
    await writeFile(file, Array.from({ length: count }, (_, i) => JSON.stringify({ connection: connection(`c${i}`, TRUSTED), targetConnections: [] })).join('\n'));
    const result = await runCli(['evaluate', file]);
    const out = result.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(count);
    expect(JSON.parse(out[count - 1] as string)).toMatchObject({ connectionId: expect.stringContaining(`c${count - 1}`), decision: 'approve' });
  });

  it('a folder given as the input file is exit 1 with the reason', async () => {
    const result = await runCli(['evaluate', await tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('EISDIR');
  });

  it('a missing input file is exit 1', async () => {
    const result = await runCli(['evaluate', 'no-such.jsonl']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read no-such.jsonl');
  });
});
