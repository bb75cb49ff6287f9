/**
 * The policy `linkgate init` scaffolds and its tests: one enforce policy that uses every rule, and
 * a case for each rule, so the new folder passes `validate --strict` and `test` with full rule
 * coverage from the start, and shows an author how each rule is written and tested. The IDs are
 * placeholders in a recognisable pattern, to be replaced with the author's own.
 */
export const EXAMPLE_NAME = 'example-pls';

const id = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const PROVIDER = id(1);
const APP = id(2);
const HUB = id(3);
const PARTNER = id(4);
const DENIED = id(5);
const OUTSIDER = id(6);
const PARTNER_TENANT = id(0xa1);
const TARGET = `/subscriptions/${PROVIDER}/resourceGroups/rg-example/providers/Microsoft.Network/privateLinkServices/example-api`;
const HUB_SUBNETS = `/subscriptions/${HUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`;

export function examplePolicy(schemaPath: string): Record<string, unknown> {
  return {
    $schema: schemaPath,
    name: EXAMPLE_NAME,
    description: 'Example: who may connect to example-api. Replace the placeholder IDs (00000000-0000-4000-8000-…) with your own.',
    mode: 'enforce',
    targets: [TARGET],
    visibility: [APP, HUB, PARTNER],
    autoApproval: [APP],
    trustedSubnets: [HUB_SUBNETS, '10.40.0.0/16'],
    trustedTenants: [PARTNER_TENANT],
    deny: { subscriptions: [DENIED], subnets: ['10.99.0.0/16'] },
    requestMessage: '^(CHG|INC)[0-9]{6}\\b',
    connectionLimit: 2,
    otherwise: 'manual',
  };
}

interface Consumer {
  subscription: string;
  subnet?: string;
  ip?: string;
  message?: string;
}

function connection(name: string, consumer: Consumer, status = 'Pending'): Record<string, unknown> {
  return {
    id: `${TARGET}/privateEndpointConnections/${name}`,
    name,
    type: 'Microsoft.Network/privateLinkServices/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: `/subscriptions/${consumer.subscription}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}` },
      privateLinkServiceConnectionState: { status, description: consumer.message ?? 'CHG123456 example', actionsRequired: 'None' },
    },
  };
}

function endpoint(name: string, consumer: Consumer): Record<string, unknown> {
  const subnet = consumer.subnet ?? `/subscriptions/${consumer.subscription}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/app/subnets/pe`;
  return {
    id: `/subscriptions/${consumer.subscription}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/${name}`,
    name,
    type: 'Microsoft.Network/privateEndpoints',
    properties: { subnet: { id: subnet }, ipConfigurations: [{ name: 'ipconfig', properties: { privateIPAddress: consumer.ip ?? '10.1.0.4' } }], customDnsConfigs: [] },
  };
}

/** A case as ARM would show it: the connection, the consumer's endpoint, the target's other connections. */
function testCase(name: string, connectionName: string, consumer: Consumer, expect: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, connection: connection(connectionName, consumer), privateEndpoint: endpoint(`${connectionName}-pe`, consumer), targetConnections: [], ...extra, expect: { policy: EXAMPLE_NAME, ...expect } };
}

export function exampleTests(schemaPath: string): Record<string, unknown> {
  const app: Consumer = { subscription: APP };
  return {
    $schema: schemaPath,
    description: `One case per rule of ${EXAMPLE_NAME}: linkgate test prints which rules the cases cover.`,
    cases: [
      testCase('deny: a denied subscription is rejected', 'denied', { subscription: DENIED }, { decision: 'reject', reasonIncludes: 'deny.subscriptions' }),
      testCase('deny: an endpoint in a denied range is rejected, even when auto-approved', 'quarantined', { ...app, ip: '10.99.1.4' }, { decision: 'reject', reasonIncludes: 'deny.subnets' }),
      testCase('visibility: a subscription outside it is rejected', 'outsider', { subscription: OUTSIDER }, { decision: 'reject', reasonIncludes: 'visibility' }),
      testCase('autoApproval: the app subscription with a change ticket is approved', 'app', app, { decision: 'approve', reasonIncludes: 'autoApproval' }),
      testCase('trustedSubnets: an endpoint in a hub subnet is approved', 'hub', { subscription: HUB, subnet: HUB_SUBNETS.replace('*', 'pe') }, { decision: 'approve', reasonIncludes: 'endpoint subnet' }),
      testCase('trustedSubnets: an endpoint in a trusted range is approved', 'ranged', { subscription: HUB, ip: '10.40.2.5' }, { decision: 'approve', reasonIncludes: 'endpoint IP' }),
      testCase('trustedTenants: the partner tenant is approved', 'partner', { subscription: PARTNER }, { decision: 'approve', reasonIncludes: 'trustedTenants' }, { consumerTenantId: PARTNER_TENANT }),
      testCase('requestMessage: an approval without a change ticket waits for a human', 'no-ticket', { ...app, message: 'please approve' }, { decision: 'manual', reasonIncludes: 'requestMessage' }),
      testCase('connectionLimit: a third connection of one subscription waits for a human', 'third', app, { decision: 'manual', reasonIncludes: 'connectionLimit' }, {
        targetConnections: [connection('first', app, 'Approved'), connection('second', app, 'Approved')],
      }),
      testCase('otherwise: no rule approves, so it is left for manual review', 'unknown', { subscription: PARTNER }, { decision: 'manual', reasonIncludes: 'otherwise' }),
    ],
  };
}
