import { describe, expect, it } from 'vitest';
import {
  addressesOfNetworkInterface,
  consumerRequestMessage,
  endpointFacts,
  endpointListsAddresses,
  endpointRequestMessage,
  isServiceDefaultMessage,
  networkInterfaceIdsOf,
  withNetworkInterfaces,
} from '../../src/policy/connection-facts.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { readFixture, type ArmExample } from '../support/fixtures.js';
import { compile, connection, CONSUMER, policy, TARGET } from '../policy/policy-builders.js';

const NIC = `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/conn1-pe.nic.1a2b3c4d`;
const OTHER_TARGET = TARGET.replace('pay-api', 'other-api');

function example(name: string): Record<string, unknown> {
  return readFixture<ArmExample>(`arm-examples/${name}.json`).responses['200']?.body as Record<string, unknown>;
}

/** A real Pending endpoint: no IP of its own, a NIC reference, the consumer's message on its manual entry. */
function pendingEndpoint(options: { message?: string; target?: string; nicIds?: string[] } = {}): Record<string, unknown> {
  return {
    id: `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/conn1-pe`,
    properties: {
      subnet: { id: `/subscriptions/${CONSUMER}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/app/subnets/pe` },
      ipConfigurations: [],
      customDnsConfigs: [],
      networkInterfaces: (options.nicIds ?? [NIC]).map((id) => ({ id })),
      privateLinkServiceConnections: [],
      manualPrivateLinkServiceConnections: [
        {
          name: 'conn1',
          properties: {
            privateLinkServiceId: options.target ?? TARGET,
            requestMessage: options.message ?? 'CHG004211 payments app',
            privateLinkServiceConnectionState: { status: 'Pending', description: 'Awaiting approval', actionsRequired: 'None' },
          },
        },
      ],
    },
  };
}

function nic(ips: string[]): Record<string, unknown> {
  return { id: NIC, properties: { ipConfigurations: ips.map((ip, i) => ({ name: `ipconfig${i}`, properties: { privateIPAddress: ip } })) } };
}

describe('consumer IPs from the network interface', () => {
  it('reads the plain addresses of the spec NetworkInterfaceGet example, not its prefix-form one', () => {
    expect(addressesOfNetworkInterface(example('NetworkInterfaceGet'))).toEqual(['172.20.2.4']);
  });

  it('a real Pending endpoint lists no address of its own, only its NIC reference', () => {
    const endpoint = pendingEndpoint();
    expect(endpointListsAddresses(endpoint)).toBe(false);
    expect(endpointFacts(endpoint).ipAddresses).toEqual([]);
    expect(networkInterfaceIdsOf(endpoint)).toEqual([NIC]);
  });

  it('the spec endpoint example lists its own addresses (static ipConfigurations and DNS configs)', () => {
    expect(endpointListsAddresses(example('PrivateEndpointGetForManualApproval'))).toBe(true);
  });

  it('expands NICs into the endpoint without changing it, and endpointFacts then finds their IPs', () => {
    const endpoint = pendingEndpoint();
    const before = structuredClone(endpoint);
    const expanded = withNetworkInterfaces(endpoint, new Map([[NIC.toLowerCase(), nic(['10.20.1.4'])]]));
    expect(endpoint).toEqual(before);
    expect(endpointFacts(expanded).ipAddresses).toEqual(['10.20.1.4']);
    expect(endpointListsAddresses(expanded)).toBe(false);
  });

  it('leaves a NIC reference alone when that NIC was not read', () => {
    const expanded = withNetworkInterfaces(pendingEndpoint(), new Map([['/subscriptions/x/other', nic(['10.20.1.4'])]]));
    expect(endpointFacts(expanded).ipAddresses).toEqual([]);
  });

  it('lists each NIC once, whatever its case', () => {
    expect(networkInterfaceIdsOf(pendingEndpoint({ nicIds: [NIC, NIC.toUpperCase()] }))).toEqual([NIC]);
  });

  it.each([undefined, null, 'x', [], { properties: { networkInterfaces: 'x' } }, { properties: { networkInterfaces: [null, { id: 3 }] } }])(
    'is total over junk: %j',
    (junk) => {
      expect(networkInterfaceIdsOf(junk)).toEqual([]);
      expect(addressesOfNetworkInterface(junk)).toEqual([]);
      expect(endpointFacts(junk).ipAddresses).toEqual([]);
    },
  );

  it('a policy trusting 10.20.0.0/16 approves once the NIC holding 10.20.1.4 is expanded in, and not before', () => {
    const compiled = compile(policy({ name: 'trust-cidr', trustedSubnets: ['10.20.0.0/16'], mode: 'enforce' }));
    const pending = connection({ consumer: CONSUMER });
    expect(evaluate(compiled, { connection: pending, privateEndpoint: pendingEndpoint() }).decision).toBe('manual');
    const expanded = withNetworkInterfaces(pendingEndpoint(), new Map([[NIC.toLowerCase(), nic(['10.20.1.4'])]]));
    const decision = evaluate(compiled, { connection: pending, privateEndpoint: expanded });
    expect(decision.decision).toBe('approve');
    expect(decision.reasons.join(' ')).toContain('10.20.1.4 is in 10.20.0.0/16');
  });

  it('says why a trusted CIDR was not checked when the endpoint offers no IP', () => {
    const compiled = compile(policy({ name: 'trust-cidr', trustedSubnets: ['10.20.0.0/16'], mode: 'enforce' }));
    const plain = evaluate(compiled, { connection: connection(), privateEndpoint: pendingEndpoint() });
    expect(plain.reasons).toContain('trustedSubnets CIDRs not checked: the endpoint reports no private IP address');
    const told = evaluate(compiled, { connection: connection(), privateEndpoint: pendingEndpoint(), ipAddressesUnavailable: 'its network interface is not readable (HTTP 403: AuthorizationFailed)' });
    expect(told.decision).toBe('manual');
    expect(told.reasons).toContain('trustedSubnets CIDRs not checked: its network interface is not readable (HTTP 403: AuthorizationFailed)');
  });

  it('a deny CIDR matches a NIC-held IP too', () => {
    const compiled = compile(policy({ name: 'deny-cidr', autoApproval: [CONSUMER], visibility: [CONSUMER], deny: { subnets: ['10.20.1.0/24'] }, mode: 'enforce' }));
    const expanded = withNetworkInterfaces(pendingEndpoint(), new Map([[NIC.toLowerCase(), nic(['10.20.1.4'])]]));
    expect(evaluate(compiled, { connection: connection(), privateEndpoint: expanded }).decision).toBe('reject');
  });
});

describe('the consumer request message', () => {
  it.each(['', '   ', 'Awaiting approval', 'awaiting approval', ' Manual Approval ', 'MANUAL APPROVAL'])('%j is a service default', (text) => {
    expect(isServiceDefaultMessage(text)).toBe(true);
  });

  it.each(['CHG004211 payments app', 'Awaiting approval from Bob', 'Please approve my connection.', 'Approved'])('%j is a message', (text) => {
    expect(isServiceDefaultMessage(text)).toBe(false);
  });

  it('reads the spec example endpoint entry for its own target', () => {
    const endpoint = example('PrivateEndpointGetForManualApproval');
    const target = '/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls';
    // The spec example's subscription is not a GUID, so no ARM ID matches it: nothing is guessed.
    expect(endpointRequestMessage(endpoint, target)).toBeUndefined();
    const realistic = JSON.parse(JSON.stringify(endpoint).replaceAll('/subscriptions/subId/', `/subscriptions/${CONSUMER}/`)) as unknown;
    expect(endpointRequestMessage(realistic, target.replace('subId', CONSUMER))).toBe('Please manually approve my connection.');
  });

  it('matches the target case-insensitively, on either connection list', () => {
    expect(endpointRequestMessage(pendingEndpoint(), TARGET.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'))).toBe('CHG004211 payments app');
    const auto = pendingEndpoint();
    const properties = auto['properties'] as Record<string, unknown>;
    properties['privateLinkServiceConnections'] = properties['manualPrivateLinkServiceConnections'];
    properties['manualPrivateLinkServiceConnections'] = [];
    expect(endpointRequestMessage(auto, TARGET)).toBe('CHG004211 payments app');
  });

  it('never takes a message the consumer addressed to another target', () => {
    expect(endpointRequestMessage(pendingEndpoint({ target: OTHER_TARGET }), TARGET)).toBeUndefined();
    expect(consumerRequestMessage('Awaiting approval', pendingEndpoint({ target: OTHER_TARGET }), TARGET)).toEqual({ message: '', source: 'none' });
  });

  it('prefers the provider side when it holds a real message', () => {
    expect(consumerRequestMessage('INC123456 from provider side', pendingEndpoint(), TARGET)).toEqual({ message: 'INC123456 from provider side', source: 'provider' });
  });

  it('takes the endpoint entry when the provider side is missing or a default', () => {
    for (const provider of ['', 'Awaiting approval', 'Manual Approval']) {
      expect(consumerRequestMessage(provider, pendingEndpoint(), TARGET)).toEqual({ message: 'CHG004211 payments app', source: 'endpoint' });
    }
  });

  it('a service default is not the consumer message when the endpoint is unknown', () => {
    expect(consumerRequestMessage('Awaiting approval', undefined, TARGET)).toEqual({ message: '', source: 'none' });
  });

  it('the evaluator matches requestMessage against the endpoint entry when the provider shows a default', () => {
    const compiled = compile(policy({ name: 'msg', autoApproval: [CONSUMER], visibility: [CONSUMER], requestMessage: '^(CHG|INC)[0-9]{6}\\b', mode: 'enforce' }));
    const pending = connection({ message: 'Awaiting approval' });
    expect(evaluate(compiled, { connection: pending }).decision).toBe('manual');
    expect(evaluate(compiled, { connection: pending, privateEndpoint: pendingEndpoint() }).decision).toBe('approve');
    expect(evaluate(compiled, { connection: pending, privateEndpoint: pendingEndpoint({ message: 'hello' }) }).decision).toBe('manual');
  });
});
