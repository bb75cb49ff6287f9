/**
 * The CLI reads local.settings.json "Values" as Core Tools does, under the environment, and a bad
 * value found there is reported with the variable, the file and what it should hold.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSettings, parseLocalSettings, readLocalSettings } from '../../src/config/local-settings.js';
import { ConfigError, readConfig } from '../../src/config/read-config.js';
import { runCli } from '../support/run-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-local-settings-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function settingsFile(values: Record<string, unknown>): Promise<string> {
  const path = join(dir, 'local.settings.json');
  await writeFile(path, JSON.stringify({ IsEncrypted: false, Values: values }));
  return path;
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseLocalSettings and mergeSettings', () => {
  it('reads Values, and the environment wins over the file, even when it sets a variable empty', () => {
    const settings = parseLocalSettings('/x/local.settings.json', JSON.stringify({ Values: { LINKGATE_DRY_RUN: 'true', LINKGATE_PORT: '7072', LINKGATE_LOG_LEVEL: 'debug' } }));
    const merged = mergeSettings({ LINKGATE_PORT: '9000', LINKGATE_LOG_LEVEL: '' }, settings);
    expect(merged).toMatchObject({ LINKGATE_DRY_RUN: 'true', LINKGATE_PORT: '9000', LINKGATE_LOG_LEVEL: '' });
  });

  it('refuses what Core Tools would not read, naming the file', () => {
    expect(configErrorOf(() => parseLocalSettings('/x/local.settings.json', '{"Values": {')).message).toMatch(/\/x\/local\.settings\.json: is not valid JSON/u);
    expect(configErrorOf(() => parseLocalSettings('/x/local.settings.json', '{"IsEncrypted": true, "Values": {}}')).message).toMatch(/encrypted .*func settings decrypt/u);
    expect(configErrorOf(() => parseLocalSettings('/x/local.settings.json', '{"Values": []}')).message).toMatch(/"Values" should be an object/u);
    const typed = configErrorOf(() => parseLocalSettings('/x/local.settings.json', '{"Values": {"LINKGATE_DRY_RUN": true}}'));
    expect(typed.problems).toEqual(['LINKGATE_DRY_RUN in /x/local.settings.json (Values) is true; it should be a string, e.g. "true"']);
  });

  it('reads the shipped sample as the CLI would, and it validates in dry run', async () => {
    const sample = parseLocalSettings('local.settings.sample.json', await readFile('local.settings.sample.json', 'utf8'));
    const config = readConfig(mergeSettings({}, sample));
    expect(config.dryRun).toBe(true);
    expect(config.audit.kind).toBe('file');
  });

  it('finds no file as no settings, not as an error', async () => {
    expect(await readLocalSettings(dir)).toBeUndefined();
    const path = await settingsFile({ LINKGATE_AUDIT_STORE: 'file' });
    expect(await readLocalSettings(dir)).toEqual({ path, values: { LINKGATE_AUDIT_STORE: 'file' } });
  });
});

describe('the CLI and local.settings.json', () => {
  it('stops on LINKGATE_DRY_RUN "treu" in the file, naming the variable, the file and what it should hold, before any ARM call', async () => {
    const path = await settingsFile({ LINKGATE_DRY_RUN: 'treu', LINKGATE_SWEEP_SCOPES: '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11' });
    const result = await runCli(['reconcile'], { env: {}, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`LINKGATE_DRY_RUN is "treu"; it should be true or false (set in ${path}, "Values")`);
  });

  it('reads the file for every command that reads configuration (audit list here)', async () => {
    const path = await settingsFile({ LINKGATE_AUDIT_STORE: 'sql' });
    const result = await runCli(['audit', 'list'], { env: {}, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`LINKGATE_AUDIT_STORE is "sql"; it should be file or table (set in ${path}, "Values")`);
  });

  it('lets the environment override a bad value in the file, and does not blame the file for a bad value from the environment', async () => {
    await settingsFile({ LINKGATE_DRY_RUN: 'treu', LINKGATE_PORT: '7071' });
    // A valid environment value wins: configuration passes, and reconcile stops on its own check.
    const overridden = await runCli(['reconcile'], { env: { LINKGATE_DRY_RUN: 'true' }, cwd: dir });
    expect(overridden.code).toBe(2);
    expect(overridden.stderr).toContain('nothing to sweep');
    expect(overridden.stderr).not.toContain('LINKGATE_DRY_RUN');

    const fromEnv = await runCli(['reconcile'], { env: { LINKGATE_DRY_RUN: 'true', LINKGATE_PORT: 'x' }, cwd: dir });
    expect(fromEnv.stderr).toContain('LINKGATE_PORT is "x"; it should be a whole number from 0 to 65535');
    expect(fromEnv.stderr).not.toContain(dir);
  });

  it('reports a malformed file by its path', async () => {
    await writeFile(join(dir, 'local.settings.json'), '{ "Values": ');
    const result = await runCli(['reconcile'], { env: {}, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'local.settings.json')}: is not valid JSON`);
  });
});
