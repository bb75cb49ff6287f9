import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LEASE_SECONDS, readConfig } from '../../src/config/read-config.js';
import { minimumLeaseMs } from '../../src/pipeline/write-lease.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('readConfig', () => {
  it('applies the documented defaults (DESIGN §4)', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      policyDir: './policies',
      armEndpoint: 'https://management.azure.com',
      armToken: undefined,
      audit: { kind: 'file', path: '.linkgate/audit.jsonl' },
      dryRun: false,
      host: '127.0.0.1',
      port: 7071,
      sweep: { scopes: [], revoke: false, schedule: '0 */15 * * * *' },
    });
  });

  it('reads every setting', () => {
    const config = readConfig({
      LINKGATE_POLICY_DIR: '/etc/linkgate',
      LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:8443/',
      LINKGATE_ARM_TOKEN: 'emulator-token',
      LINKGATE_AUDIT_STORE: 'table',
      LINKGATE_AUDIT_TABLE_CONNECTION: 'UseDevelopmentStorage=true',
      LINKGATE_AUDIT_TABLE: 'audit2',
      LINKGATE_DRY_RUN: 'TRUE',
      LINKGATE_PORT: '0',
      LINKGATE_SWEEP_SCOPES: '0B3C6B1E-7F4E-4C0A-9D55-2D7A3A1F0C11, mg:contoso-root',
      LINKGATE_SWEEP_REVOKE: 'yes',
    });
    expect(config.armEndpoint).toBe('http://127.0.0.1:8443');
    expect(config.audit).toEqual({ kind: 'table', connection: 'UseDevelopmentStorage=true', table: 'audit2' });
    expect(config.dryRun).toBe(true);
    expect(config.port).toBe(0);
    expect(config.sweep.scopes).toEqual([
      { kind: 'subscription', id: '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11' },
      { kind: 'managementGroup', id: 'contoso-root' },
    ]);
    expect(config.sweep.revoke).toBe(true);
  });

  it('falls back to AzureWebJobsStorage for the table connection', () => {
    const config = readConfig({ LINKGATE_AUDIT_STORE: 'table', AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(config.audit).toMatchObject({ kind: 'table', connection: 'UseDevelopmentStorage=true', table: 'linkgateaudit' });
  });

  it('lists every wrong variable at once, with what it should be', () => {
    const problems = problemsOf({
      LINKGATE_ARM_ENDPOINT: 'http://management.azure.com',
      LINKGATE_AUDIT_STORE: 'sql',
      LINKGATE_DRY_RUN: 'maybe',
      LINKGATE_PORT: '70000',
      LINKGATE_SWEEP_SCOPES: 'not-a-guid',
      LINKGATE_SWEEP_SCHEDULE: '*/5 * * * *',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/LINKGATE_ARM_ENDPOINT .* https:\/\//u);
    expect(problems.join('\n')).toMatch(/LINKGATE_AUDIT_STORE is "sql"; it should be file or table/u);
    expect(problems.join('\n')).toMatch(/LINKGATE_PORT is "70000"; it should be a whole number from 0 to 65535/u);
    expect(problems.join('\n')).toMatch(/six-field NCRONTAB/u);
  });

  it("leases a claim for the ARM client's worst case plus a margin by default, and refuses a shorter lease naming both numbers", () => {
    // The runtime's client runs on the default limits: a 240 s write deadline, ARM's 60 s proxy timeout, a 60 s margin.
    expect(minimumLeaseMs()).toBe(300_000);
    expect(DEFAULT_LEASE_SECONDS).toBe(360);
    expect(readConfig({}).leaseSeconds).toBe(360);
    expect(readConfig({ LINKGATE_LEASE_SECONDS: '300' }).leaseSeconds).toBe(300);
    expect(readConfig({ LINKGATE_LEASE_SECONDS: '3600' }).leaseSeconds).toBe(3600);
    const [problem] = problemsOf({ LINKGATE_LEASE_SECONDS: '299' });
    expect(problem).toMatch(/^LINKGATE_LEASE_SECONDS is 299; it should be at least 300, the ARM client's worst case for one write: a write it starts may still land up to 300 s later/u);
    expect(problemsOf({ LINKGATE_LEASE_SECONDS: '0' })[0]).toMatch(/^LINKGATE_LEASE_SECONDS is 0; it should be at least 300/u);
    // Whatever is wrong with the value, the range it names starts at the same minimum.
    for (const value of ['abc', '299.5', '86401']) {
      expect(problemsOf({ LINKGATE_LEASE_SECONDS: value })[0]).toMatch(/it should be a whole number from 300 to 86400/u);
    }
  });

  it('requires a table connection for the table store', () => {
    expect(problemsOf({ LINKGATE_AUDIT_STORE: 'table' })[0]).toMatch(/LINKGATE_AUDIT_TABLE_CONNECTION is unset/u);
  });

  it('never echoes a secret in its errors', () => {
    try {
      readConfig({ LINKGATE_WEBHOOK_KEY: 'x', LINKGATE_AUDIT_STORE: 'table', LINKGATE_AUDIT_TABLE_CONNECTION: 'AccountKey=SECRETSECRET', LINKGATE_AUDIT_TABLE: '1bad', LINKGATE_ARM_TOKEN: 'tok' });
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRETSECRET');
      expect((error as ConfigError).exitCode).toBe(2);
      return;
    }
    throw new Error('expected a ConfigError');
  });
});

describe('audit store default', () => {
  it('is the file store locally and Table Storage in Azure, where the app folder is not a safe place', () => {
    expect(readConfig({}).audit.kind).toBe('file');
    expect(readConfig({ WEBSITE_INSTANCE_ID: 'abc', AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).audit.kind).toBe('table');
    expect(readConfig({ WEBSITE_INSTANCE_ID: 'abc', LINKGATE_AUDIT_STORE: 'file' }).audit.kind).toBe('file');
  });
});
