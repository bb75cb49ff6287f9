/** Builders for evaluation cases in ARM's own shapes, so tests read as tables. */
import { compilePolicies, type CompiledPolicySet } from '../../src/policy/compile-policies.js';
import type { EvaluationCase, PolicyDocument } from '../../src/policy/types.js';

export const PROVIDER_SUB = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
export const CONSUMER = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
export const STRANGER = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TARGET = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
export const SUBNET = `/subscriptions/${CONSUMER}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe`;

export function compile(...documents: PolicyDocument[]): CompiledPolicySet {
  return compilePolicies({ revision: 'test', policies: documents.map((document) => ({ file: `${document.name}.json`, document })) });
}

export function policy(overrides: Partial<PolicyDocument> & { name: string }): PolicyDocument {
  return { targets: [TARGET], ...overrides };
}

export function connection(options: { name?: string; consumer?: string; status?: string; message?: string; target?: string } = {}) {
  const name = options.name ?? 'conn1';
  return {
    id: `${options.target ?? TARGET}/privateEndpointConnections/${name}`,
    name,
    etag: 'W/"1"',
    properties: {
      privateEndpoint: { id: `/subscriptions/${options.consumer ?? CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}-pe` },
      privateLinkServiceConnectionState: { status: options.status ?? 'Pending', description: options.message ?? '', actionsRequired: 'None' },
    },
  };
}

export function endpoint(options: { subnet?: string; ips?: string[] } = {}) {
  return {
    id: `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/conn1-pe`,
    properties: {
      subnet: { id: options.subnet ?? SUBNET },
      ipConfigurations: (options.ips ?? ['10.20.1.4']).map((ip) => ({ name: 'c', properties: { privateIPAddress: ip } })),
    },
  };
}

export function pendingCase(options: Parameters<typeof connection>[0] & { endpoint?: unknown; tenant?: string; siblings?: unknown[] } = {}): EvaluationCase {
  const input: EvaluationCase = { connection: connection(options) };
  if (options.endpoint !== undefined) input.privateEndpoint = options.endpoint;
  if (options.tenant !== undefined) input.consumerTenantId = options.tenant;
  if (options.siblings !== undefined) input.targetConnections = options.siblings;
  return input;
}
