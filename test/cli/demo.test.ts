import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('linkgate demo', () => {
  it('runs the product end to end against the emulator and prints every decision', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-demo-'));
    const audit = path.join(dir, 'audit.jsonl');
    const result = await runCli(['demo', '--policies', path.resolve('policies'), '--audit', audit]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('{"validationResponse":"demo-validation-code"}');
    expect(result.stdout).toMatch(/the same storage event again .*: HTTP 200, 0 ARM write\(s\)/u);
    // The trusted hub consumer is approved, the denied one rejected, the unknown one left for a human.
    expect(result.stdout).toMatch(/pay-api\s+pe-hub-pay-api\s+5f0e9b7a\s+Approved\s+approve\s+payments-pls/u);
    expect(result.stdout).toMatch(/pay-api\s+pe-x-pay-api\s+6a5b4c3d\s+Rejected\s+reject\s+payments-pls\s+visibility/u);
    expect(result.stdout).toMatch(/paydata01\s+pe-hub-paydata-adhoc\s+5f0e9b7a\s+Pending\s+manual\s+paydata-storage\s+requestMessage/u);
    expect(result.stdout).toMatch(/pay-secrets\s+pe-hub-secrets\s+5f0e9b7a\s+Pending\s+none \(audit mode only\)\s+shadow: secrets-audit: approve/u);
    expect(result.stdout).toContain('5 ARM write(s) in total');
    expect(result.stdout).toContain('the duplicate delivery wrote nothing');

    const records = (await readFile(audit, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { decision: string; action: { status: string }; id: string });
    const latest = new Map(records.map((r) => [r.id, r]));
    const written = [...latest.values()].filter((r) => r.action.status === 'succeeded');
    expect(written).toHaveLength(5);
    expect([...latest.values()].every((r) => r.action.status !== 'pending')).toBe(true);
  });

  it('--help explains itself', async () => {
    const result = await runCli(['demo', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: linkgate demo');
  });
});
