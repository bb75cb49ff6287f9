/**
 * `linkgate serve` follows its policy folder: an edit is validated whole and put in use, a broken
 * edit is refused with its errors logged while the previous set keeps deciding, and /healthz
 * reports the revision in use. Ordered by awaiting the watcher's reloads, never by sleeping.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { startServe, type ServeHandle } from '../../src/host/start-serve.js';
import { createLogger } from '../../src/log/create-logger.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { ReloadOutcome } from '../../src/runtime/watch-policies.js';
import { CONSUMER, TARGET, pendingCase } from './policy-builders.js';

let dir: string;
let serve: ServeHandle;
let logLines: string[];

/** Replaces a file as editors and git do (write aside, rename over), so no reader sees half of it. */
async function replaceFile(name: string, text: string): Promise<void> {
  const aside = path.join(dir, `.${name}.tmp`);
  await writeFile(aside, text);
  await rename(aside, path.join(dir, name));
}

const policy = (otherwise: 'manual' | 'reject', extra: Record<string, unknown> = {}): string => JSON.stringify({ name: 'pay', targets: [TARGET], visibility: [CONSUMER], otherwise, ...extra });

/** Awaits reloads triggered by the folder's changes until one satisfies `done` (bounded in count). */
async function reloadUntil(done: (outcome: ReloadOutcome) => boolean): Promise<ReloadOutcome> {
  for (let i = 0; i < 20; i++) {
    const outcome = await serve.policyWatcher.nextReload();
    if (done(outcome)) return outcome;
  }
  throw new Error('the watcher never reached the expected state');
}

async function health(): Promise<{ status: string; policyRevision: string }> {
  const response = await request(`${serve.url}/healthz`);
  return (await response.body.json()) as { status: string; policyRevision: string };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'linkgate-reload-'));
  await writeFile(path.join(dir, 'pay.json'), policy('manual'));
  logLines = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
  serve = await startServe(
    readConfig({ LINKGATE_POLICY_DIR: dir, LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:9', LINKGATE_ARM_TOKEN: 'test', LINKGATE_AUDIT_PATH: path.join(dir, 'audit', 'audit.jsonl'), LINKGATE_PORT: '0' }),
    { logger },
  );
});

afterEach(async () => {
  await serve.close();
  await rm(dir, { recursive: true, force: true });
});

describe('linkgate serve reloads its policies', () => {
  it('puts an edit in use, refuses a broken edit and keeps deciding with the last good set', async () => {
    const decide = (): string => evaluate(serve.runtime.pipeline.policies, pendingCase({})).decision;
    const first = (await health()).policyRevision;
    expect(first).toBe(serve.runtime.policies.revision);
    expect(decide()).toBe('manual');

    await replaceFile('pay.json', policy('manual', { autoApproval: [CONSUMER] }));
    const edited = await reloadUntil((o) => o.ok && o.revision !== first);
    expect(decide()).toBe('approve');
    expect((await health()).policyRevision).toBe(edited.revision);
    expect(logLines.some((l) => l.includes(`now deciding with revision ${edited.revision}`))).toBe(true);

    await replaceFile('pay.json', policy('manual', { autoApproval: [CONSUMER], trustedSubnets: ['10.0.0.1/8'] }));
    const refused = await reloadUntil((o) => !o.ok);
    expect(refused.revision).toBe(edited.revision);
    expect(refused.ok ? [] : refused.errors.join('\n')).toContain('pay.json#/trustedSubnets/0');
    expect(decide()).toBe('approve');
    expect((await health()).policyRevision).toBe(edited.revision);
    expect(logLines.some((l) => l.includes('policy change refused') && l.includes('/trustedSubnets/0'))).toBe(true);

    await replaceFile('pay.json', policy('reject', { visibility: ['*'] }));
    await writeFile(path.join(dir, 'other.json'), JSON.stringify({ name: 'other', targets: [TARGET.replace('pay-api', 'other')] }));
    const fixed = await reloadUntil((o) => o.ok && o.revision !== edited.revision && serve.runtime.policies.policyNames.length === 2);
    expect(decide()).toBe('reject');
    expect((await health()).policyRevision).toBe(fixed.revision);
  });

  it('reload() on an unchanged folder keeps the set and reports no change', async () => {
    const before = serve.runtime.policies;
    expect(await serve.policyWatcher.reload()).toEqual({ ok: true, changed: false, revision: before.revision });
    expect(serve.runtime.policies).toBe(before);
  });
});
