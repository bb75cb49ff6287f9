/** The public ARM REST examples as evaluation inputs: real shapes, provider spelling included. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.js';
import { compile, policy } from './policy-builders.js';
import { readFixtureText } from '../support/fixtures.js';

// The examples use the placeholder 'subId'; a real subscription ID keeps them parseable.
const SUB = '00000000-0000-4000-8000-0000000000aa';
function example(file: string): { parameters: Record<string, string>; responses: Record<string, { body?: Record<string, unknown> }> } {
  return JSON.parse(readFixtureText(`arm-examples/${file}`).replaceAll('subId', SUB).replaceAll('{subscription-id}', SUB)) as never;
}

describe('ARM examples as evaluation inputs', () => {
  const set = compile(policy({ name: 'all', targets: [`/subscriptions/${SUB}/**`], autoApproval: [SUB] }));

  it('a Private Link Service list: Approved and Rejected connections are not decided again', () => {
    const list = example('PrivateLinkServiceListPrivateEndpointConnection.json').responses['200']?.body?.['value'] as unknown[];
    expect(list.length).toBeGreaterThan(1);
    for (const connection of list) expect(evaluate(set, { connection }).decision).toBe('ignore');
  });

  it('a Private Link Service connection turned Pending is approved by subscription', () => {
    const connection = example('PrivateLinkServiceGetPrivateEndpointConnection.json').responses['200']?.body as { properties: { privateLinkServiceConnectionState: { status: string } } };
    connection.properties.privateLinkServiceConnectionState.status = 'Pending';
    const result = evaluate(set, { connection });
    expect(result.decision).toBe('approve');
    expect(result.target).toMatch(/privateLinkServices\/testPls$/u);
  });

  it.each(['StorageAccountPutPrivateEndpointConnection.json', 'KeyVaultPutPrivateEndpointConnection.json'])('%s: the provider response shape is read (Storage spells actionRequired)', (file) => {
    const responses = example(file).responses;
    const body = (responses['200'] ?? Object.values(responses)[0])?.body as Record<string, unknown> & { properties: { privateLinkServiceConnectionState: Record<string, unknown> } };
    const state = body.properties.privateLinkServiceConnectionState;
    expect(state['status']).toBeDefined();
    const pending = { ...body, properties: { ...body.properties, privateLinkServiceConnectionState: { ...state, status: 'Pending' } } };
    const endpointId = (body.properties as unknown as { privateEndpoint: { id: string } }).privateEndpoint.id;
    const consumer = endpointId.split('/')[2] as string;
    const bySubscription = compile(policy({ name: 'by-sub', targets: ['/subscriptions/*/**'], autoApproval: [consumer] }));
    const result = evaluate(bySubscription, { connection: pending });
    expect(result.decision).toBe('approve');
    expect(result.reasons[0]).toContain(consumer.toLowerCase());
  });

  it('a private endpoint GET gives subnet and every IP (ipConfigurations and customDnsConfigs)', () => {
    const ep = example('PrivateEndpointGet.json').responses['200']?.body;
    const subnetSet = compile(policy({ name: 'net', targets: [`/subscriptions/${SUB}/**`], trustedSubnets: ['192.168.0.5/32'] }));
    const connection = { id: `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls/privateEndpointConnections/c`, properties: { privateEndpoint: { id: ep?.['id'] }, privateLinkServiceConnectionState: { status: 'Pending' } } };
    const result = evaluate(subnetSet, { connection, privateEndpoint: ep });
    expect(result.decision).toBe('approve');
    expect(result.reasons[0]).toContain('192.168.0.5');
  });
});
