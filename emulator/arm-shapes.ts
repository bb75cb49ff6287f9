/** The JSON shapes ARM answers with: connections, consumers' private endpoints, target resources and subscriptions. */
import { lastSegment } from './arm-answer.js';
import { networkInterfaceIdOf } from './network-interfaces.js';
import type { SettlingView } from './settling-connections.js';
import { behaviourOf } from './type-behaviour.js';
import { etagFor, type EmulatedConnection, type PrivateEndpoint, type ProviderResource } from './world-types.js';

/**
 * A connection as ARM answers it for its type (type-behaviour.ts): the actions field as the type
 * spells it (Storage `actionRequired`) or not at all (Event Hubs, Service Bus, Relay, AKS), an
 * etag only where the type's connections carry one, a description that may be null (PaaS types).
 * `settling` shows a write still being carried out.
 */
export function connectionToArm(provider: ProviderResource, connection: EmulatedConnection, provisioningState?: string, settling?: SettlingView): Record<string, unknown> {
  const behaviour = behaviourOf(provider);
  const state: Record<string, string | null> = { status: settling?.status ?? connection.status, description: connection.description };
  if (behaviour.actionsField !== undefined) state[behaviour.actionsField] = connection.actionsRequired ?? 'None';
  provisioningState = settling?.provisioningState ?? provisioningState ?? behaviour.doneProvisioning ?? 'Succeeded';
  return {
    id: `${provider.id}/privateEndpointConnections/${connection.name}`,
    name: connection.name,
    type: `${provider.type}/privateEndpointConnections`,
    ...(behaviour.etag ? { etag: connection.etag } : {}),
    properties: {
      privateEndpoint: { id: connection.privateEndpointId },
      privateLinkServiceConnectionState: state,
      provisioningState,
    },
  };
}

/** A consumer's private endpoint as Microsoft.Network answers it (fixtures/arm-examples/PrivateEndpointGet.json). */
export function endpointToArm(endpoint: PrivateEndpoint, stateOf: (targetId: string) => EmulatedConnection | undefined): Record<string, unknown> {
  const name = lastSegment(endpoint.id);
  const listed = endpoint.listsIpAddresses === false ? [] : endpoint.ipAddresses;
  const links = (manual: boolean): Record<string, unknown>[] =>
    endpoint.connectsTo
      .filter((link) => link.manual === manual)
      .map((link, index) => {
        const connection = stateOf(link.targetId);
        const linkName = `${name}-${manual ? 'manual' : 'auto'}-${index}`;
        return {
          id: `${endpoint.id}/${manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections'}/${linkName}`,
          name: linkName,
          type: 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
          properties: {
            provisioningState: 'Succeeded',
            privateLinkServiceId: link.targetId,
            groupIds: [],
            requestMessage: link.requestMessage,
            privateLinkServiceConnectionState: {
              status: connection?.status ?? 'Disconnected',
              description: connection?.description ?? '',
              actionsRequired: connection?.actionsRequired ?? 'None',
            },
          },
        };
      });
  return {
    name,
    id: endpoint.id,
    type: 'Microsoft.Network/privateEndpoints',
    location: 'westeurope',
    etag: etagFor(endpoint.id.toLowerCase()),
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: links(false),
      manualPrivateLinkServiceConnections: links(true),
      subnet: { id: endpoint.subnetId },
      networkInterfaces: [{ id: networkInterfaceIdOf(endpoint) }],
      customDnsConfigs: listed.length === 0 ? [] : [{ fqdn: `${name}.privatelink.example`, ipAddresses: [...listed] }],
      applicationSecurityGroups: [],
      ipConfigurations: listed.map((ip, index) => ({
        name: `ipconfig${index}`,
        properties: { groupId: 'default', memberName: `member${index}`, privateIPAddress: ip },
      })),
    },
  };
}

/** A target resource as `GET {target}` answers it, with its connections inline as `toArm` shapes them. */
export function providerToArm(provider: ProviderResource, toArm: (connection: EmulatedConnection) => Record<string, unknown>): Record<string, unknown> {
  return {
    id: provider.id,
    name: lastSegment(provider.id),
    type: provider.type,
    location: provider.location ?? 'westeurope',
    properties: { provisioningState: 'Succeeded', privateEndpointConnections: provider.connections.map(toArm) },
  };
}

/** A subscription as `GET /subscriptions/{id}` answers it. */
export function subscriptionToArm(subscriptionId: string, tenantId: string): Record<string, unknown> {
  return { id: `/subscriptions/${subscriptionId}`, subscriptionId, tenantId, displayName: `emulated ${subscriptionId}`, state: 'Enabled' };
}
