/**
 * An audit store that cannot be written means no ARM write and a failed delivery (issue 5 "Done
 * when"; DESIGN §6: no write is ever unaudited). Three ways the store goes away: it cannot be
 * opened at all, its service stops answering mid-flight, and its table disappears mid-flight.
 * Event Grid redelivers only on a non-2xx answer, so that is what each must produce.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { readConfig } from '../../src/config/read-config.js';
import { startServe } from '../../src/host/start-serve.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { startAzurite } from '../support/azurite.js';
import { STORAGE_ID, e2eWorld, linkgateEnv, planFor, startE2e, statusIn, uniqueTableName, type E2eHarness } from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function expectNothingWritten(emulator: ArmEmulator): void {
  expect(emulator.writes()).toBe(0);
  expect(emulator.requests.filter((r) => r.operation === 'write')).toEqual([]);
  for (const connection of planFor(STORAGE_ID)) expect(statusIn(emulator, connection.id)).toBe(connection.status);
}

describe('an audit store that cannot be written', () => {
  it('keeps `linkgate serve` from starting when LINKGATE_AUDIT_PATH cannot be created, before any ARM request', async () => {
    const emulator = await startArmEmulator({ world: e2eWorld() });
    const dir = await mkdtemp(join(tmpdir(), 'linkgate-e2e-'));
    cleanups.push(() => emulator.close(), () => rm(dir, { recursive: true, force: true }));
    // A path under a regular file can never be created, whoever runs the test (root included).
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const config = readConfig(linkgateEnv(emulator, { kind: 'file', path: join(blocker, 'audit.jsonl') }, dir));

    const started = startServe(config, { logger: silentLogger() });
    await expect(started).rejects.toThrow(/audit file/u);
    await expect(started).rejects.toMatchObject({ hint: expect.stringMatching(/LINKGATE_AUDIT_PATH/u) });
    expect(emulator.requests).toHaveLength(0);
  });

  it('answers 503 and writes nothing to ARM when the Table service stops answering mid-flight', async () => {
    // An Azurite of this test's own, so stopping it leaves the shared one alone.
    const azurite = await startAzurite();
    cleanups.push(() => azurite.stop());
    const h: E2eHarness = await startE2e({ store: { kind: 'table', connection: azurite.connection } });
    cleanups.push(() => h.close());
    await azurite.stop();

    const answer = await h.deliver(readFixture(EVENT_FIXTURES.pecProxyEventGrid));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBeDefined();
    expect(answer.json?.['error']).toMatch(/audit table/u);
    // The connection string (with its account key) never reaches the sender.
    expect(answer.text).not.toContain('AccountKey');
    expectNothingWritten(h.emulator);
  });

  it('answers non-2xx and writes nothing to ARM when the audit table disappears mid-flight', async () => {
    const connection = inject('azuriteTableConnection');
    const table = uniqueTableName();
    const h = await startE2e({ store: { kind: 'table', connection, table } });
    cleanups.push(() => h.close());
    await TableClient.fromConnectionString(connection, table, { allowInsecureConnection: true }).deleteTable();

    const answer = await h.deliver(readFixture(EVENT_FIXTURES.pecProxyEventGrid));
    expectNothingWritten(h.emulator);
    // A 2xx would tell Event Grid the event was handled, and the decision would wait for the next sweep.
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(500);
  });
});
