/**
 * Reads of the consumer side: its private endpoint and that endpoint's network interface. Both
 * are often unreadable across tenants (403) or already gone (404); that is an answer, not an
 * error, and the pipeline records it and never approves on it (DESIGN §5, §9).
 */
import { parseArmId, type ArmId } from '../ids/arm-id.js';
import { armErrorBody, InvalidArmIdError } from './arm-error.js';
import { isRecord } from './json-values.js';
import { parseEndpoint } from './parse-ids.js';
import { lookupResourceType } from './resource-types.js';
import type { Send } from './send-request.js';
import type { EndpointRead, NetworkInterfaceRead } from './types.js';

/**
 * The Network resource provider serves every Microsoft.Network type (private endpoints, network
 * interfaces, Private Link Services) at one api-version, so the type table's entry for Private
 * Link Services names it: one place to move it forward.
 */
export const NETWORK_API_VERSION: string = networkApiVersionFromTable();

function networkApiVersionFromTable(): string {
  const entry = lookupResourceType('Microsoft.Network/privateLinkServices');
  if (entry === undefined) throw new TypeError('the resource-type table lacks Microsoft.Network/privateLinkServices');
  return entry.apiVersion;
}

export interface ConsumerReadContext {
  send: Send;
  urlFor: (path: string, apiVersion: string) => URL;
}

type Unreadable = { readable: false; httpStatus: number; reason: string };

function parseNetworkInterface(id: unknown): ArmId {
  const parsed = parseArmId(id);
  if (!parsed.ok) throw new InvalidArmIdError('network interface', id, parsed.error);
  if (parsed.id.resourceType?.toLowerCase() !== 'microsoft.network/networkinterfaces' || parsed.id.names.length !== 1) {
    throw new InvalidArmIdError('network interface', id, 'not a Microsoft.Network/networkInterfaces ID');
  }
  return parsed.id;
}

export function createConsumerReads(ctx: ConsumerReadContext): {
  getPrivateEndpoint(id: string): Promise<EndpointRead>;
  getNetworkInterface(id: string): Promise<NetworkInterfaceRead>;
} {
  /** GET one Network resource; 403/404 are answers (unreadable), any other failure throws. */
  async function readNetworkResource(id: ArmId): Promise<{ readable: true; body: Record<string, unknown> } | Unreadable> {
    const reply = await ctx.send({ method: 'GET', url: ctx.urlFor(id.text, NETWORK_API_VERSION), kind: 'read', accept: [403, 404] });
    if (reply.status === 403 || reply.status === 404) {
      const { code, message } = armErrorBody(reply.body);
      const reason = [code, message].filter((s) => s !== undefined).join(': ') || `HTTP ${reply.status}`;
      return { readable: false, httpStatus: reply.status, reason };
    }
    if (!isRecord(reply.body)) return { readable: false, httpStatus: reply.status, reason: 'the answer was not a JSON object' };
    return { readable: true, body: reply.body };
  }

  return {
    async getPrivateEndpoint(privateEndpointId) {
      const read = await readNetworkResource(parseEndpoint(privateEndpointId));
      return read.readable ? { readable: true, endpoint: read.body } : read;
    },
    // Microsoft.Network/networkInterfaces/read; the example answer is the Network spec's
    // NetworkInterfaceGet.json (properties.ipConfigurations[].properties.privateIPAddress).
    async getNetworkInterface(networkInterfaceId) {
      const read = await readNetworkResource(parseNetworkInterface(networkInterfaceId));
      return read.readable ? { readable: true, networkInterface: read.body } : read;
    },
  };
}
