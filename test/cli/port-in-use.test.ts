/** `serve` and `emulator` on a port another program holds: say which port and how to pick another (exit 2). */
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let holder: Server;
let port = 0;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});
afterAll(async () => {
  await new Promise((resolve) => holder.close(resolve));
});

describe('a port already in use', () => {
  it('emulator names the port and --port', async () => {
    const r = await runCli(['emulator', '--port', String(port)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`port ${port} is already in use`);
    expect(r.stderr).toContain('pass --port N');
  });

  it('serve names the port, --port and LINKGATE_PORT', async () => {
    const r = await runCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--policies', 'policies'], { env: { LINKGATE_LOG_LEVEL: 'silent', LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:9', LINKGATE_ARM_TOKEN: 't', LINKGATE_AUDIT_PATH: join(await mkdtemp(join(tmpdir(), 'linkgate-port-')), 'audit.jsonl') } });
    expect(r.stderr).toContain(`port ${port} is already in use`);
    expect(r.stderr).toContain('pass --port N or set LINKGATE_PORT');
    expect(r.code).toBe(2);
  });
});
