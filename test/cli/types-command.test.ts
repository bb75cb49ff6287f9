import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

interface TypeRow {
  type: string;
  apiVersion: string;
  approvable: boolean;
  etag: boolean;
  actionsField: string;
  requestFields: string[];
  longRunning: string;
  transitionalStatuses: string[];
  note?: string;
}

/** Types issue 10 names as ones users have; each must be listed. */
const NAMED = [
  'Microsoft.Insights/privateLinkScopes',
  'Microsoft.Sql/managedInstances',
  'Microsoft.Cache/redisEnterprise',
  'Microsoft.ContainerService/managedClusters',
  'Microsoft.Web/staticSites',
  'Microsoft.Web/sites/slots',
  'Microsoft.Dashboard/grafana',
  'Microsoft.DesktopVirtualization/workspaces',
  'Microsoft.DesktopVirtualization/hostPools',
  'Microsoft.EventGrid/namespaces',
  'Microsoft.EventGrid/partnerNamespaces',
  'Microsoft.App/managedEnvironments',
  'Microsoft.ElasticSan/elasticSans',
  'Microsoft.DeviceUpdate/accounts',
  'Microsoft.HardwareSecurityModules/cloudHsmClusters',
  'Microsoft.HDInsight/clusters',
  'Microsoft.PowerBI/privateLinkServicesForPowerBI',
  'Microsoft.HybridCompute/privateLinkScopes',
  'Microsoft.Relay/namespaces',
  'Microsoft.HealthcareApis/workspaces',
  'Microsoft.Devices/provisioningServices',
  'Microsoft.DocumentDB/mongoClusters',
  'Microsoft.NotificationHubs/namespaces',
  'Microsoft.Attestation/attestationProviders',
  // Azure AI Foundry hubs and projects are Machine Learning workspaces (kind Hub / Project).
  'Microsoft.MachineLearningServices/workspaces',
];

async function typesJson(): Promise<TypeRow[]> {
  const { code, stdout, stderr } = await runCli(['types', '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as TypeRow[];
}

describe('linkgate types', () => {
  it('--json lists at least 60 types, each with a dated api-version', async () => {
    const rows = await typesJson();
    expect(rows.length).toBeGreaterThanOrEqual(60);
    for (const row of rows) expect(row.apiVersion, row.type).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    expect(new Set(rows.map((r) => r.type.toLowerCase())).size).toBe(rows.length);
  });

  it('lists every type the issue names, and says by name which cannot be approved through ARM', async () => {
    const byType = new Map((await typesJson()).map((row) => [row.type.toLowerCase(), row]));
    for (const type of NAMED) expect(byType.get(type.toLowerCase())?.approvable, type).toBe(true);
    for (const type of ['Microsoft.Synapse/privateLinkHubs', 'Microsoft.Monitor/accounts']) {
      const row = byType.get(type.toLowerCase());
      expect(row?.approvable, type).toBe(false);
      expect(row?.note).toMatch(/not approvable through ARM/u);
      expect(row?.requestFields).toEqual([]);
    }
  });

  it('shows the behaviour that differs per type', async () => {
    const byType = new Map((await typesJson()).map((row) => [row.type, row]));
    expect(byType.get('Microsoft.EventHub/namespaces')).toMatchObject({ actionsField: 'none', etag: false });
    expect(byType.get('Microsoft.EventHub/namespaces')?.requestFields).not.toContain('privateLinkServiceConnectionState.actionsRequired');
    expect(byType.get('Microsoft.Storage/storageAccounts')?.requestFields).toContain('privateLinkServiceConnectionState.actionRequired');
    expect(byType.get('Microsoft.KeyVault/vaults')).toMatchObject({ etag: true, longRunning: 'connection-url' });
    expect(byType.get('Microsoft.Insights/privateLinkScopes')).toMatchObject({ longRunning: 'location-status' });
    expect(byType.get('Microsoft.Web/sites')?.transitionalStatuses).toEqual(['Approving', 'Rejecting', 'Disconnecting']);
  });

  it('prints a table by default, with a count', async () => {
    const { code, stdout } = await runCli(['types']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Microsoft\.KeyVault\/vaults\s+\d{4}-\d{2}-\d{2}/u);
    expect(stdout).toMatch(/\n\d+ types \(\d+ approvable through ARM\)\n$/u);
  });

  it('has --help and refuses unknown options with exit 2', async () => {
    const help = await runCli(['types', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: linkgate types [--json]');
    const bad = await runCli(['types', '--yaml']);
    expect(bad.code).toBe(2);
  });
});
