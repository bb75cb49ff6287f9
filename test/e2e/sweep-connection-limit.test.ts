/** Regression: connectionLimit must count the approvals made earlier in the same reconcile pass. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startArmEmulator } from '../../emulator/arm-emulator.js';
import { loadWorld } from '../../emulator/world.js';
import { runCli } from '../support/run-cli.js';

const PROVIDER = 'f1000000-0000-4000-8000-000000000001';
const CONSUMER = 'f2000000-0000-4000-8000-000000000001';
const TARGET = `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;

it('connectionLimit holds within one sweep: 4 Pending from one consumer, limit 2 → 2 approved, 2 left Pending', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'linkgate-limit-'));
  await mkdir(join(dir, 'policies'));
  await writeFile(join(dir, 'policies', 'limit.json'), JSON.stringify({ name: 'limit', targets: [TARGET], autoApproval: [CONSUMER], connectionLimit: 2 }));
  const endpoint = (n: number): string => `/subscriptions/${CONSUMER}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe${n}`;
  const world = loadWorld({
    providers: [{ id: TARGET, type: 'Microsoft.Network/privateLinkServices', connections: [1, 2, 3, 4].map((n) => ({ name: `c${n}`, privateEndpointId: endpoint(n), status: 'Pending' })) }],
    endpoints: [1, 2, 3, 4].map((n) => ({ id: endpoint(n), subnetId: `/subscriptions/${CONSUMER}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, ipAddresses: ['10.0.0.4'], connectsTo: [{ targetId: TARGET, manual: false, requestMessage: '' }] })),
    tenants: {},
  });
  const arm = await startArmEmulator({ world });
  try {
    const run = await runCli(['reconcile', '--json'], {
      env: { LINKGATE_ARM_ENDPOINT: arm.url, LINKGATE_ARM_TOKEN: arm.token, LINKGATE_POLICY_DIR: join(dir, 'policies'), LINKGATE_AUDIT_PATH: join(dir, 'audit.jsonl'), LINKGATE_SWEEP_SCOPES: PROVIDER },
    });
    expect(run.code).toBe(0);
    const statuses = arm.world.providers[0]?.connections.map((c) => c.status);
    expect(statuses?.filter((s) => s === 'Approved')).toHaveLength(2);
    expect(statuses?.filter((s) => s === 'Pending')).toHaveLength(2);
    expect(arm.writes()).toBe(2);
  } finally {
    await arm.close();
  }
});
