import { describe, expect, it } from 'vitest';
import { actionsForType, COMMON_ACTIONS, roleActionsFor } from '../../src/deploy/role-actions.js';
import { withRoleActions } from '../../src/deploy/update-role-template.js';

describe('actionsForType', () => {
  it('reads the resource and its connections, and writes connections, for a type decided by PUT or PATCH', () => {
    expect(actionsForType({ type: 'Microsoft.KeyVault/vaults', list: 'collection', action: 'put' })).toEqual([
      'Microsoft.KeyVault/vaults/read',
      'Microsoft.KeyVault/vaults/privateEndpointConnections/read',
      'Microsoft.KeyVault/vaults/privateEndpointConnections/write',
    ]);
    expect(actionsForType({ type: 'Microsoft.Batch/batchAccounts', list: 'collection', action: 'patch' })).toContain('Microsoft.Batch/batchAccounts/privateEndpointConnections/write');
  });

  it('reads only the resource when its connections sit in its properties, and writes nothing for a type with no write API', () => {
    expect(actionsForType({ type: 'Microsoft.RecoveryServices/vaults', list: 'parent-properties', action: 'put' })).toEqual([
      'Microsoft.RecoveryServices/vaults/read',
      'Microsoft.RecoveryServices/vaults/privateEndpointConnections/write',
    ]);
    expect(actionsForType({ type: 'Microsoft.Synapse/privateLinkHubs', list: 'collection', action: 'none' })).toEqual([
      'Microsoft.Synapse/privateLinkHubs/read',
      'Microsoft.Synapse/privateLinkHubs/privateEndpointConnections/read',
    ]);
  });

  it('uses the POST actions for AOSM artifact stores, which have no connection resources', () => {
    expect(actionsForType({ type: 'Microsoft.HybridNetwork/publishers/artifactStores', list: 'aosm-post', action: 'aosm-post' })).toEqual([
      'Microsoft.HybridNetwork/publishers/artifactStores/read',
      'Microsoft.HybridNetwork/publishers/artifactStores/listPrivateEndPoints/action',
      'Microsoft.HybridNetwork/publishers/artifactStores/approvePrivateEndPoints/action',
      'Microsoft.HybridNetwork/publishers/artifactStores/removePrivateEndPoints/action',
    ]);
  });
});

describe('roleActionsFor', () => {
  it('adds the common reads, sorts, and drops duplicates that differ only in case', () => {
    const actions = roleActionsFor([
      { type: 'Microsoft.Storage/storageAccounts', list: 'collection', action: 'put' },
      { type: 'microsoft.storage/storageaccounts', list: 'collection', action: 'put' },
    ]);
    expect(actions).toHaveLength(COMMON_ACTIONS.length + 3);
    expect(actions).toEqual([...actions].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    for (const common of COMMON_ACTIONS) expect(actions).toContain(common);
  });
});

describe('operation-status polls', () => {
  it('adds Network\'s operation reads only when a Network type is governed', () => {
    const network = roleActionsFor([{ type: 'Microsoft.Network/privateLinkServices', list: 'collection', action: 'put' }]);
    expect(network).toContain('Microsoft.Network/locations/operations/read');
    expect(network).toContain('Microsoft.Network/locations/operationResults/read');
    const storage = roleActionsFor([{ type: 'Microsoft.Storage/storageAccounts', list: 'collection', action: 'put' }]);
    expect(storage.filter((a) => a.includes('/locations/'))).toEqual([]);
  });
});

describe('withRoleActions', () => {
  it('replaces only the role actions, and refuses a template without them', () => {
    const text = JSON.stringify({ variables: { linkgateRoleActions: ['old'], other: 1 }, resources: [] });
    expect(JSON.parse(withRoleActions(text, ['a', 'b']))).toEqual({ variables: { linkgateRoleActions: ['a', 'b'], other: 1 }, resources: [] });
    expect(() => withRoleActions('{"variables": {}}', ['a'])).toThrow(/linkgateRoleActions/u);
  });
});
