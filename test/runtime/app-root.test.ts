import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAppRoot, policyDirFor, thisAppRoot } from '../../src/runtime/app-root.js';
import { sharedRuntime } from '../../src/runtime/create-runtime.js';

const REPO = resolve(import.meta.dirname, '../..');

describe('findAppRoot and policyDirFor', () => {
  it('finds the nearest folder holding host.json, and nothing when there is none', () => {
    const files = new Set(['/srv/app/host.json']);
    expect(findAppRoot('/srv/app/dist/src/runtime', (p) => files.has(p))).toBe('/srv/app');
    expect(findAppRoot('/srv/other/dist', (p) => files.has(p))).toBeUndefined();
  });

  it('resolves a relative policy folder against the app root, and leaves an absolute one alone', () => {
    expect(policyDirFor(undefined, '/srv/app')).toBe('/srv/app/policies');
    expect(policyDirFor('', '/srv/app')).toBe('/srv/app/policies');
    expect(policyDirFor(' config/policies ', '/srv/app')).toBe('/srv/app/config/policies');
    expect(policyDirFor(' /etc/p', '/srv/app')).toBe('/etc/p');
    expect(policyDirFor('config/policies', '/srv/app')).toBe('/srv/app/config/policies');
    expect(policyDirFor('/etc/linkgate/policies', '/srv/app')).toBe('/etc/linkgate/policies');
    expect(policyDirFor(undefined, undefined)).toBe('./policies');
  });

  it("this installation's app root is the repository, where host.json is", () => {
    expect(thisAppRoot()).toBe(REPO);
  });
});

describe('the Functions runtime', () => {
  // The Functions host promises no working directory (Windows plans have run workers in
  // system32): the runtime must find ./policies beside host.json wherever it is started.
  const cwd = process.cwd();
  const saved: Record<string, string | undefined> = {};
  let elsewhere: string;

  const setEnv = (key: string, value: string | undefined): void => {
    if (value === undefined) Reflect.deleteProperty(process.env, key);
    else process.env[key] = value;
  };

  beforeAll(async () => {
    elsewhere = await mkdtemp(join(tmpdir(), 'linkgate-cwd-'));
    process.chdir(elsewhere);
    const settings = { LINKGATE_POLICY_DIR: undefined, LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:9', LINKGATE_ARM_TOKEN: 'unused', LINKGATE_AUDIT_STORE: 'file', LINKGATE_AUDIT_PATH: join(elsewhere, 'audit.jsonl') };
    for (const [key, value] of Object.entries(settings)) {
      saved[key] = process.env[key];
      setEnv(key, value);
    }
  });

  afterAll(async () => {
    process.chdir(cwd);
    for (const [key, value] of Object.entries(saved)) setEnv(key, value);
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('loads the policies beside host.json when started in another working directory', async () => {
    const runtime = await sharedRuntime();
    try {
      expect(runtime.policies.policyNames).toEqual(['paydata-storage', 'payments-pls', 'secrets-audit']);
    } finally {
      await runtime.close();
    }
  });
});
