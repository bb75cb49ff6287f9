/**
 * Issue 11 Build 2: a Table store that accepts connections and never answers must not hold a
 * delivery open. Every store call runs under a deadline with a bounded retry budget, so the
 * delivery fails with 503 (Event Grid retries) and nothing reaches ARM; once the store answers
 * again, the redelivery carries the decisions out. Short deadlines are configured here; the
 * assertions are on outcomes, never on elapsed time.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openTableAuditStore, TableAuditStoreError } from '../../src/audit/table-audit-store.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../support/azurite.js';
import { STORAGE_ID, planFor, startE2e, statusIn, uniqueTableName } from '../support/e2e-harness.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback TCP proxy to `target` that can be switched to accept and then stay silent. */
async function startSwitchableProxy(targetPort: number): Promise<{ port: number; silent: boolean; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { silent: false };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (state.silent) return; // accepted, never answered
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      // A connection opened before the switch goes silent too: its requests are swallowed.
      if (!state.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!state.silent) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    get silent() {
      return state.silent;
    },
    set silent(value: boolean) {
      state.silent = value;
      // Connections opened while silent stay silent; drop them so a later request opens a live one.
      if (!value) for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function connectionVia(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

function azuritePort(): number {
  const endpoint = /TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)\//u.exec(inject('azuriteTableConnection'))?.[1];
  return Number(endpoint);
}

describe('a Table store that never answers', () => {
  it('fails the store call as transient, saying it got no answer in time', async () => {
    const proxy = await startSwitchableProxy(azuritePort());
    cleanups.push(() => proxy.close());
    proxy.silent = true;
    const opening = openTableAuditStore(
      { connection: connectionVia(proxy.port), table: uniqueTableName('silent') },
      { logger: silentLogger(), deadlines: { operationMs: 600, requestMs: 250, maxRetries: 2 } },
    );
    await expect(opening).rejects.toBeInstanceOf(TableAuditStoreError);
    await expect(opening).rejects.toMatchObject({ transient: true, message: expect.stringMatching(/no answer within 600 ms/u) });
    await expect(opening).rejects.not.toThrow(/AccountKey|Eby8/u);
  });

  it('makes the delivery answer 503 with nothing written to ARM, and the redelivery decides once it answers again', async () => {
    const proxy = await startSwitchableProxy(azuritePort());
    cleanups.push(() => proxy.close());
    const h = await startE2e({
      store: { kind: 'table', connection: connectionVia(proxy.port), table: uniqueTableName('silent') },
      env: { LINKGATE_AUDIT_TABLE_TIMEOUT_MS: '800' },
    });
    cleanups.push(() => h.close());

    proxy.silent = true;
    const event = readFixture(EVENT_FIXTURES.pecProxyEventGrid);
    const answer = await h.deliver(event);
    expect(answer.status, answer.text).toBe(503);
    expect(answer.headers['retry-after']).toBeDefined();
    expect(answer.json?.['error']).toMatch(/no answer within 800 ms/u);
    expect(h.emulator.writes()).toBe(0);

    // Event Grid redelivers the same event once the store is back: every decision lands, once.
    proxy.silent = false;
    const again = await h.deliver(event);
    expect(again.status, again.text).toBe(200);
    const planned = planFor(STORAGE_ID);
    for (const connection of planned) {
      const expected = connection.expected === 'approve' ? 'Approved' : connection.expected === 'reject' ? 'Rejected' : connection.status;
      expect(statusIn(h.emulator, connection.id), connection.id).toBe(expected);
    }
    const writes = planned.filter((c) => c.expected === 'approve' || c.expected === 'reject').length;
    expect(h.emulator.writes()).toBe(writes);
  });
});
