/**
 * The small world `npm run demo` (and `linkgate emulator` without --world) serves: three provider
 * resources of the payments team, each with Pending connections from a trusted consumer, an
 * unknown one and a denied one. The constants below are what the example policies in policies/
 * refer to: change them together.
 */
import { loadWorld } from './load-world.js';
import type { World } from './world-types.js';

// Provider side (the payments team).
export const PAYMENTS_SUBSCRIPTION = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
export const DATA_SUBSCRIPTION = '0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11';
export const PROVIDER_TENANT = '4d3c2b1a-0f9e-4d8c-a7b6-5e4f3a2b1c0d';

export const PLS_ID = `/subscriptions/${PAYMENTS_SUBSCRIPTION}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
export const STORAGE_ID = `/subscriptions/${DATA_SUBSCRIPTION}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/paydata01`;
export const KEYVAULT_ID = `/subscriptions/${DATA_SUBSCRIPTION}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/pay-secrets`;
/** Key vault writes answer 202 + Azure-AsyncOperation so the demo shows polling; set false for plain 200s. */
export const KEYVAULT_ASYNC_WRITES = true;

export const DEMO_TARGET_IDS: readonly string[] = [PLS_ID, STORAGE_ID, KEYVAULT_ID];

// Consumer side.
/** Trusted consumer: the hub team, in the provider's tenant; its endpoints sit in the hub subnet. */
export const TRUSTED_SUBSCRIPTION = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
/** Unknown consumer: a partner tenant no policy mentions → manual review. */
export const UNKNOWN_SUBSCRIPTION = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
/** Denied consumer: listed under deny.subscriptions → reject. */
export const DENIED_SUBSCRIPTION = '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d';
export const PARTNER_TENANT = '3c2b1a09-8f7e-4d6c-b5a4-9382716f5e4d';
export const DENIED_TENANT = 'e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9';

export const HUB_SUBNET = `/subscriptions/${TRUSTED_SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe`;
export const HUB_CIDR = '10.20.0.0/16';
export const PARTNER_SUBNET = `/subscriptions/${UNKNOWN_SUBSCRIPTION}/resourceGroups/rg-partner/providers/Microsoft.Network/virtualNetworks/partner/subnets/pe`;
export const DENIED_SUBNET = `/subscriptions/${DENIED_SUBSCRIPTION}/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/x/subnets/pe`;

interface DemoConnection {
  /** Private endpoint name (unique in the demo). */
  endpoint: string;
  subscription: string;
  subnet: string;
  ip: string;
  requestMessage: string;
  /** Cross-tenant endpoint the provider cannot read (403). */
  unreadable?: boolean;
  manual?: boolean;
  status?: 'Pending' | 'Approved' | 'Rejected';
  /** Fixed suffix of the connection name, as ARM appends a GUID. */
  suffix: string;
}

const RG_BY_SUBSCRIPTION: Record<string, string> = {
  [TRUSTED_SUBSCRIPTION]: 'rg-hub',
  [UNKNOWN_SUBSCRIPTION]: 'rg-partner',
  [DENIED_SUBSCRIPTION]: 'rg-x',
};

const PLAN: Array<{ id: string; type: string; asyncWrites?: boolean; connections: DemoConnection[] }> = [
  {
    id: PLS_ID,
    type: 'Microsoft.Network/privateLinkServices',
    connections: [
      { endpoint: 'pe-hub-pay-api', subscription: TRUSTED_SUBSCRIPTION, subnet: HUB_SUBNET, ip: '10.20.1.4', requestMessage: 'CHG123456 payments batch', suffix: '0c1e5a2b-6d3f-4a8e-9b7c-1d2e3f4a5b61' },
      { endpoint: 'pe-partner-pay-api', subscription: UNKNOWN_SUBSCRIPTION, subnet: PARTNER_SUBNET, ip: '10.50.0.4', requestMessage: 'please approve', suffix: '1d2f6b3c-7e4a-4b9f-8c8d-2e3f4a5b6c72' },
      { endpoint: 'pe-x-pay-api', subscription: DENIED_SUBSCRIPTION, subnet: DENIED_SUBNET, ip: '10.99.0.5', requestMessage: 'CHG654321 totally legit', suffix: '2e3a7c4d-8f5b-4c0a-9d9e-3f4a5b6c7d83' },
      {
        endpoint: 'pe-partner-reporting',
        subscription: UNKNOWN_SUBSCRIPTION,
        subnet: PARTNER_SUBNET,
        ip: '10.50.0.9',
        requestMessage: 'CHG777777 reporting',
        unreadable: true,
        manual: true,
        suffix: '3f4b8d5e-9a6c-4d1b-8e0f-4a5b6c7d8e94',
      },
    ],
  },
  {
    id: STORAGE_ID,
    type: 'Microsoft.Storage/storageAccounts',
    connections: [
      { endpoint: 'pe-hub-paydata', subscription: TRUSTED_SUBSCRIPTION, subnet: HUB_SUBNET, ip: '10.20.2.10', requestMessage: 'CHG234567 nightly export', suffix: '4a5c9e6f-0b7d-4e2c-9f1a-5b6c7d8e9fa5' },
      { endpoint: 'pe-hub-paydata-adhoc', subscription: TRUSTED_SUBSCRIPTION, subnet: HUB_SUBNET, ip: '10.20.2.11', requestMessage: 'no ticket yet', suffix: '5b6d0f7a-1c8e-4f3d-8a2b-6c7d8e9fa0b6' },
      { endpoint: 'pe-partner-paydata', subscription: UNKNOWN_SUBSCRIPTION, subnet: PARTNER_SUBNET, ip: '10.50.1.4', requestMessage: 'please approve', suffix: '6c7e1a8b-2d9f-4a4e-9b3c-7d8e9fa0b1c7' },
      { endpoint: 'pe-x-paydata', subscription: DENIED_SUBSCRIPTION, subnet: DENIED_SUBNET, ip: '10.99.1.5', requestMessage: 'CHG111111 export', suffix: '7d8f2b9c-3e0a-4b5f-8c4d-8e9fa0b1c2d8' },
      // Already Approved though the policies deny it: drift for `linkgate reconcile` to report.
      { endpoint: 'pe-x-paydata-old', subscription: DENIED_SUBSCRIPTION, subnet: DENIED_SUBNET, ip: '10.99.1.6', requestMessage: 'legacy', status: 'Approved', suffix: '8e9a3c0d-4f1b-4c6a-9d5e-9fa0b1c2d3e9' },
    ],
  },
  {
    id: KEYVAULT_ID,
    type: 'Microsoft.KeyVault/vaults',
    asyncWrites: KEYVAULT_ASYNC_WRITES,
    connections: [
      { endpoint: 'pe-hub-secrets', subscription: TRUSTED_SUBSCRIPTION, subnet: HUB_SUBNET, ip: '10.20.3.5', requestMessage: 'INC000123 rotate keys', suffix: '9fab4d1e-5a2c-4d7b-8e6f-a0b1c2d3e4fa' },
      { endpoint: 'pe-partner-secrets', subscription: UNKNOWN_SUBSCRIPTION, subnet: PARTNER_SUBNET, ip: '10.50.2.4', requestMessage: 'please approve', suffix: 'a0bc5e2f-6b3d-4e8c-9f7a-b1c2d3e4f5ab' },
      { endpoint: 'pe-x-secrets', subscription: DENIED_SUBSCRIPTION, subnet: DENIED_SUBNET, ip: '10.99.2.5', requestMessage: 'CHG999999 need secrets', suffix: 'b1cd6f3a-7c4e-4f9d-8a8b-c2d3e4f5a6bc' },
    ],
  },
];

/** Home tenants of the demo's subscriptions (what the emulator's unauthenticated 401 answers). */
export const DEMO_TENANTS: Readonly<Record<string, string>> = {
  [PAYMENTS_SUBSCRIPTION]: PROVIDER_TENANT,
  [DATA_SUBSCRIPTION]: PROVIDER_TENANT,
  [TRUSTED_SUBSCRIPTION]: PROVIDER_TENANT,
  [UNKNOWN_SUBSCRIPTION]: PARTNER_TENANT,
  [DENIED_SUBSCRIPTION]: DENIED_TENANT,
};

export function endpointIdOf(subscription: string, endpoint: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${RG_BY_SUBSCRIPTION[subscription] ?? 'rg'}/providers/Microsoft.Network/privateEndpoints/${endpoint}`;
}

/** Every connection ID in the demo world, in plan order. */
export const DEMO_CONNECTION_IDS: readonly string[] = PLAN.flatMap((target) =>
  target.connections.map((c) => `${target.id}/privateEndpointConnections/${c.endpoint}.${c.suffix}`),
);

/** A fresh copy of the demo world each call (the emulator mutates the world it serves). */
export function demoWorld(): World {
  return loadWorld({
    providers: PLAN.map((target) => ({
      id: target.id,
      type: target.type,
      location: 'westeurope',
      ...(target.asyncWrites === undefined ? {} : { asyncWrites: target.asyncWrites }),
      connections: target.connections.map((c) => ({
        name: `${c.endpoint}.${c.suffix}`,
        privateEndpointId: endpointIdOf(c.subscription, c.endpoint),
        status: c.status ?? 'Pending',
        ...(c.status === 'Approved' ? { description: 'Approved by the payments team' } : {}),
        // PaaS types show no request message on the provider side while Pending (DESIGN §9): the
        // consumer's is only on its endpoint. Network (the Private Link Service) copies it over.
        ...(c.status !== 'Approved' && !target.type.startsWith('Microsoft.Network/') ? { description: null } : {}),
      })),
    })),
    endpoints: PLAN.flatMap((target) =>
      target.connections.map((c) => ({
        id: endpointIdOf(c.subscription, c.endpoint),
        subnetId: c.subnet,
        ipAddresses: [c.ip],
        // As real Pending endpoints: ipConfigurations: [] and customDnsConfigs: [], the IP on the NIC (DESIGN §9).
        listsIpAddresses: false,
        ...(c.unreadable === true ? { readable: false } : {}),
        connectsTo: [{ targetId: target.id, manual: c.manual ?? false, requestMessage: c.requestMessage }],
      })),
    ),
    tenants: { ...DEMO_TENANTS },
  });
}
