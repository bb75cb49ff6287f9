/**
 * Consumer facts where Azure keeps them, end to end: `linkgate reconcile` against the ARM emulator,
 * whose endpoints answer as real Pending ones do (no IP of their own, the IP on their NIC) and
 * whose PaaS connections show no request message on the provider side (DESIGN §9).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import { loadWorld } from '../../emulator/world.js';
import { createArmClient } from '../../src/arm/arm-client.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { runCli } from '../support/run-cli.js';

const PROVIDER = 'f3000000-0000-4000-8000-000000000001';
const CONSUMER = 'f4000000-0000-4000-8000-000000000001';
const PLS = `/subscriptions/${PROVIDER}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
const STORAGE = `/subscriptions/${PROVIDER}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/paydata01`;
const SUBNET = `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/app/subnets/pe`;
const pe = (name: string): string => `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}`;
const nic = (name: string): string => `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/${name}.nic`;

function world() {
  const endpoint = (name: string, ip: string, target: string, extra: Record<string, unknown> = {}) => ({
    id: pe(name),
    subnetId: SUBNET,
    ipAddresses: [ip],
    listsIpAddresses: false,
    connectsTo: [{ targetId: target, manual: true, requestMessage: 'CHG004211 payments app' }],
    ...extra,
  });
  return loadWorld({
    providers: [
      {
        id: PLS,
        type: 'Microsoft.Network/privateLinkServices',
        connections: ['inside', 'outside', 'locked'].map((name) => ({ name: `${name}.1a2b`, privateEndpointId: pe(name), status: 'Pending' })),
      },
      {
        id: STORAGE,
        type: 'Microsoft.Storage/storageAccounts',
        connections: [
          { name: 'quiet.3c4d', privateEndpointId: pe('quiet'), status: 'Pending', description: null },
          { name: 'default.5e6f', privateEndpointId: pe('default'), status: 'Pending', description: 'Awaiting approval' },
        ],
      },
    ],
    endpoints: [
      endpoint('inside', '10.20.1.4', PLS),
      endpoint('outside', '10.30.1.4', PLS),
      endpoint('locked', '10.20.1.5', PLS, { nicReadable: false }),
      endpoint('quiet', '10.40.0.4', STORAGE),
      { ...endpoint('default', '10.40.0.5', STORAGE), connectsTo: [{ targetId: STORAGE, manual: true, requestMessage: 'no ticket, sorry' }] },
    ],
    tenants: {},
  });
}

let arm: ArmEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await arm?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  arm = undefined;
  dir = undefined;
});

describe('the emulator answers as real Pending endpoints do', () => {
  it('loads null descriptions and the NIC flags, and refuses flags that are not booleans', () => {
    const loaded = world();
    expect(loaded.providers[1]?.connections[0]?.description).toBeNull();
    expect(loaded.endpoints[2]).toMatchObject({ listsIpAddresses: false, nicReadable: false });
    const bad = { providers: [], endpoints: [{ id: pe('x'), subnetId: SUBNET, ipAddresses: [], listsIpAddresses: 'no', nicReadable: 0, connectsTo: [] }], tenants: {} };
    expect(() => loadWorld(bad)).toThrow(/listsIpAddresses: must be a boolean[\s\S]*nicReadable: must be a boolean/u);
  });

  it('lists no IP on the endpoint, names its NIC, and the NIC holds the IP (403 when it is not readable)', async () => {
    arm = await startArmEmulator({ world: world() });
    const client = createArmClient({ endpoint: arm.url, credential: { token: arm.token }, logger: silentLogger() });
    try {
      const read = await client.getPrivateEndpoint(pe('inside'));
      if (!read.readable) throw new Error('endpoint not readable');
      const properties = read.endpoint['properties'] as Record<string, unknown>;
      expect(properties['ipConfigurations']).toEqual([]);
      expect(properties['customDnsConfigs']).toEqual([]);
      expect(properties['networkInterfaces']).toEqual([{ id: nic('inside') }]);
      const nicRead = await client.getNetworkInterface(nic('inside'));
      expect(nicRead.readable).toBe(true);
      if (nicRead.readable) {
        expect(nicRead.networkInterface).toMatchObject({
          id: nic('inside'),
          type: 'Microsoft.Network/networkInterfaces',
          properties: { ipConfigurations: [{ properties: { privateIPAddress: '10.20.1.4', subnet: { id: SUBNET } } }], privateEndpoint: { id: pe('inside') } },
        });
      }
      expect(await client.getNetworkInterface(nic('locked'))).toMatchObject({ readable: false, httpStatus: 403 });
      expect(await client.getNetworkInterface(nic('nobody'))).toMatchObject({ readable: false, httpStatus: 404 });
    } finally {
      await client.close();
    }
  });
});

describe('linkgate reconcile against the emulator', () => {
  it('a policy trusting 10.20.0.0/16 approves the consumer whose endpoint has no IP but whose NIC has 10.20.1.4; request messages come from the endpoint when the provider shows none', async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-nic-'));
    await mkdir(join(dir, 'policies'));
    await writeFile(join(dir, 'policies', 'trust-cidr.json'), JSON.stringify({ name: 'trust-cidr', targets: [PLS], trustedSubnets: ['10.20.0.0/16'] }));
    await writeFile(
      join(dir, 'policies', 'storage-tickets.json'),
      JSON.stringify({ name: 'storage-tickets', targets: [STORAGE], visibility: [CONSUMER], autoApproval: [CONSUMER], requestMessage: '^(CHG|INC)[0-9]{6}\\b' }),
    );
    arm = await startArmEmulator({ world: world() });
    const audit = join(dir, 'audit.jsonl');
    const run = await runCli(['reconcile', '--json'], {
      env: { LINKGATE_ARM_ENDPOINT: arm.url, LINKGATE_ARM_TOKEN: arm.token, LINKGATE_POLICY_DIR: join(dir, 'policies'), LINKGATE_AUDIT_PATH: audit, LINKGATE_SWEEP_SCOPES: PROVIDER },
    });
    expect(run.code).toBe(0);

    const statusOf = (name: string) => arm?.world.providers.flatMap((p) => p.connections).find((c) => c.name.startsWith(`${name}.`))?.status;
    expect(statusOf('inside')).toBe('Approved');
    expect(statusOf('outside')).toBe('Pending');
    expect(statusOf('locked')).toBe('Pending');
    expect(statusOf('quiet')).toBe('Approved');
    expect(statusOf('default')).toBe('Pending');
    expect(arm.writes()).toBe(2);

    const records = (await readFile(audit, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditRecord);
    // The file holds an intent line and its completion for each written decision: the last one counts.
    const recordOf = (name: string) => records.findLast((r) => r.connectionId.includes(`/${name}.`));
    expect(recordOf('inside')).toMatchObject({ decision: 'approve', ipAddresses: ['10.20.1.4'], factSources: { ipAddresses: 'nic' }, action: { status: 'succeeded' } });
    expect(recordOf('inside')?.reasons.join(' ')).toContain('10.20.1.4 is in 10.20.0.0/16');
    expect(recordOf('outside')).toMatchObject({ decision: 'manual', ipAddresses: ['10.30.1.4'], factSources: { ipAddresses: 'nic' } });
    expect(recordOf('locked')).toMatchObject({ decision: 'manual', factSources: { ipAddresses: 'unreadable' } });
    expect(recordOf('locked')?.ipAddresses).toBeUndefined();
    expect(recordOf('quiet')).toMatchObject({ decision: 'approve', requestMessage: 'CHG004211 payments app', factSources: { requestMessage: 'endpoint', ipAddresses: 'not-read' } });
    expect(recordOf('default')).toMatchObject({ decision: 'manual', requestMessage: 'no ticket, sorry', factSources: { requestMessage: 'endpoint' } });

    // One NIC read per endpoint whose IP a CIDR policy needed; none for the storage consumers.
    const nicReads = arm.requests.filter((r) => r.path.toLowerCase().includes('/networkinterfaces/'));
    expect(nicReads.map((r) => r.path.split('/').at(-1)).sort()).toEqual(['inside.nic', 'locked.nic', 'outside.nic']);
  });
});
