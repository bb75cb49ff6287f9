/**
 * The consumer endpoint's network interface, where Azure keeps its private IP (DESIGN §9): a real
 * Pending endpoint answers `ipConfigurations: []` and `customDnsConfigs: []`, and its address is
 * only at `properties.networkInterfaces[].id` → GET → `properties.ipConfigurations[].properties.privateIPAddress`.
 * Shapes from the Network REST spec (2024-05-01) examples NetworkInterfaceGet.json and
 * PrivateEndpointGet.json; a private endpoint's NIC names its endpoint in `properties.privateEndpoint`
 * (NetworkInterfacePropertiesFormat, read-only).
 */
import { armError, lastSegment, type Answer } from './arm-answer.js';
import type { PrivateEndpoint } from './world-types.js';

const ENDPOINT_SEGMENT = /\/providers\/microsoft\.network\/privateendpoints\/([^/]+)$/iu;
const NIC_SEGMENT = /\/providers\/microsoft\.network\/networkinterfaces\/([^/]+)\.nic$/iu;

/** The NIC ID of an emulated endpoint: `{endpoint name}.nic` beside it in its resource group. */
export function networkInterfaceIdOf(endpoint: PrivateEndpoint): string {
  return endpoint.id.replace(ENDPOINT_SEGMENT, (_match, name: string) => `/providers/Microsoft.Network/networkInterfaces/${name}.nic`);
}

/** The (lower-case) endpoint ID a NIC path belongs to, or undefined when the path names no emulated NIC. */
export function endpointIdOfNetworkInterface(lowerPath: string): string | undefined {
  return NIC_SEGMENT.test(lowerPath) ? lowerPath.replace(NIC_SEGMENT, (_match, name: string) => `/providers/microsoft.network/privateendpoints/${name}`) : undefined;
}

function networkInterfaceToArm(endpoint: PrivateEndpoint): Record<string, unknown> {
  const id = networkInterfaceIdOf(endpoint);
  return {
    name: lastSegment(id),
    id,
    type: 'Microsoft.Network/networkInterfaces',
    location: 'westeurope',
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: endpoint.ipAddresses.map((ip, index) => ({
        name: `privateEndpointIpConfig.${index}`,
        id: `${id}/ipConfigurations/privateEndpointIpConfig.${index}`,
        properties: {
          provisioningState: 'Succeeded',
          privateIPAddress: ip,
          privateIPAllocationMethod: 'Dynamic',
          subnet: { id: endpoint.subnetId },
          primary: index === 0,
          privateIPAddressVersion: ip.includes(':') ? 'IPv6' : 'IPv4',
        },
      })),
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      privateEndpoint: { id: endpoint.id },
    },
  };
}

/** `GET {nic}`: 404 for a NIC no endpoint has, 403 when the consumer's NIC is not readable to us. */
export function answerNetworkInterface(method: string, endpoint: PrivateEndpoint | undefined, path: string): Answer {
  if (method !== 'GET') return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
  if (endpoint === undefined) return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Network/networkInterfaces/${lastSegment(path)}' was not found.`);
  if (endpoint.readable === false || endpoint.nicReadable === false) {
    return armError(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/networkInterfaces/read' over scope '${networkInterfaceIdOf(endpoint)}' or the scope is invalid.`);
  }
  return { status: 200, body: networkInterfaceToArm(endpoint) };
}
