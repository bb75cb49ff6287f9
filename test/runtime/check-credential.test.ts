/**
 * No usable Azure credential is a configuration error at start-up: one actionable line, exit 2,
 * and the host never starts (so no request ever meets a retried credential and a 503).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AggregateAuthenticationError, CredentialUnavailableError as IdentityUnavailable, type TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { startServe } from '../../src/host/start-serve.js';
import { createLogger } from '../../src/log/create-logger.js';
import { checkArmCredential, CredentialUnavailableError, credentialsTried } from '../../src/runtime/check-credential.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';

const SCOPE = 'https://management.azure.com/.default';

/** What DefaultAzureCredential throws on a machine with no login and no managed identity (@azure/identity's own error types). */
function chainFailure(): AggregateAuthenticationError {
  return new AggregateAuthenticationError(
    [
      new IdentityUnavailable('EnvironmentCredential is unavailable. No underlying credential could be used.\nTo troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.'),
      new IdentityUnavailable('ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.'),
      new IdentityUnavailable('Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using \'az login\'.'),
      new IdentityUnavailable("Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot."),
    ],
    'ChainedTokenCredential authentication failed.',
  );
}

const failing = (error: unknown): TokenCredential => ({
  getToken: () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
});

async function failureOf(promise: Promise<unknown>): Promise<CredentialUnavailableError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof CredentialUnavailableError) return error;
  throw new Error(`expected CredentialUnavailableError, got ${String(error)}`);
}

describe('checkArmCredential', () => {
  it('names the chain tried and what to do, on one line, as a configuration error', async () => {
    const error = await failureOf(checkArmCredential(failing(chainFailure()), SCOPE));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('DefaultAzureCredential tried EnvironmentCredential, ManagedIdentityCredential, AzureCliCredential, AzureDeveloperCliCredential and none of them produced a token');
    expect(error.message).toMatch(/az login.*LINKGATE_ARM_TOKEN/u);
    expect(error.exitCode).toBe(2);
    expect([error.code, error.transient]).toEqual(['CredentialUnavailable', false]);
    expect(error.hint).toBeUndefined();
    expect(error.message.length).toBeLessThan(400);
  });

  it('reads the names of the credentials tried from the chain error', () => {
    expect(credentialsTried(chainFailure())).toEqual(['EnvironmentCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'AzureDeveloperCliCredential']);
    expect(credentialsTried(new Error('x'))).toEqual([]);
  });

  it('keeps a single failing credential to the first line of its reason', async () => {
    const error = await failureOf(checkArmCredential(failing(new Error(`AADSTS700016: application not found\n${'detail '.repeat(200)}`)), SCOPE, 'the supplied credential'));
    expect(error.message).toContain('the supplied credential tried the supplied credential and failed (AADSTS700016: application not found)');
    expect(error.message).not.toContain('\n');
  });

  it('refuses a credential that answers without a token', async () => {
    const empty: TokenCredential = { getToken: () => Promise.resolve(null) };
    expect((await failureOf(checkArmCredential(empty, SCOPE))).message).toContain('no token');
  });

  it('passes a credential that produces a token', async () => {
    const ok: TokenCredential = { getToken: () => Promise.resolve({ token: 'header.payload.sig', expiresOnTimestamp: 0 }) };
    await expect(checkArmCredential(ok, SCOPE)).resolves.toBeUndefined();
  });
});

describe('start-up without a credential', () => {
  let dir: string;
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-credential-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (): ReturnType<typeof readConfig> =>
    readConfig({ LINKGATE_POLICY_DIR: resolve('policies'), LINKGATE_AUDIT_PATH: join(dir, 'audit', 'audit.jsonl'), LINKGATE_DRY_RUN: 'true', LINKGATE_PORT: '0' });

  it('createRuntime refuses before opening the audit store', async () => {
    const error = await failureOf(createRuntime(config(), { logger, credential: failing(chainFailure()) }));
    expect(error.message).toMatch(/^no Azure credential for https:\/\/management\.azure\.com\/\.default: /u);
    expect(await readdir(dir)).toEqual([]);
  });

  it('linkgate serve (npm start) refuses at start-up instead of answering 503s', async () => {
    await failureOf(startServe(config(), { logger, credential: failing(chainFailure()) }));
  });

  it('a static LINKGATE_ARM_TOKEN needs no credential check', async () => {
    const runtime = await createRuntime(readConfig({ LINKGATE_ARM_TOKEN: 'emulator-token', LINKGATE_POLICY_DIR: resolve('policies'), LINKGATE_AUDIT_PATH: join(dir, 'static', 'audit.jsonl') }), {
      logger,
      credential: failing(new Error('must not be called')),
    });
    await runtime.close();
  });
});
