/**
 * Fuzzing (issue 7) of the two user inputs that are files and lines: policy documents (through
 * the one validator every host and the CLI use) and `linkgate evaluate` input lines. Neither may
 * throw; every refusal must be a clear error (file, JSON pointer, message, fix / an error line);
 * what validates must compile and evaluate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLine } from '../../src/cli/commands/evaluate.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { FUZZ_RUNS } from './fuzz-runs.js';
import { setPath } from './set-path.js';

const SUB = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
const TARGET = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api';
const VALID = {
  name: 'payments',
  mode: 'enforce',
  targets: [`${TARGET.replace('pay-api', '*')}`],
  visibility: [SUB, '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'],
  autoApproval: [SUB],
  trustedSubnets: ['10.20.0.0/16', 'fd00:1::/48', `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`],
  trustedTenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
  deny: { subscriptions: ['6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d'], subnets: ['10.99.0.0/16'] },
  requestMessage: '^(CHG|INC)[0-9]{6}\\b',
  connectionLimit: 3,
  otherwise: 'manual',
};
const FIELDS = ['name', 'mode', 'targets', 'targets.0', 'visibility', 'visibility.0', 'autoApproval', 'autoApproval.0', 'trustedSubnets', 'trustedSubnets.0', 'trustedTenants', 'deny', 'deny.subnets', 'deny.subnets.0', 'requestMessage', 'connectionLimit', 'otherwise', 'extra'];
/** Values closer to the bugs that matter than pure noise: near-valid IDs, CIDRs, regexes. */
const NEAR = fc.oneof(
  fc.anything(),
  fc.constantFrom('*', '**', '/subscriptions/*/**', '10.0.0.0/33', '::/129', '10.0.0.0/8', '(a+)+', '[', '', ' ', 'x'.repeat(600), SUB.toUpperCase(), '0', -1, 1e308, null, [], {}),
);

const mutatedPolicy = fc.tuple(fc.array(fc.tuple(fc.constantFrom(...FIELDS), NEAR), { maxLength: 4 }), fc.array(fc.constantFrom(...FIELDS), { maxLength: 3 })).map(([edits, deletions]) => {
  const copy = structuredClone(VALID) as Record<string, unknown>;
  for (const [path, value] of edits) setPath(copy, path, value);
  const dropped = new Set(deletions.map((key) => key.split('.')[0]));
  return Object.fromEntries(Object.entries(copy).filter(([key]) => !dropped.has(key)));
});

const policyText = fc.oneof(
  fc.string(),
  fc.json(),
  mutatedPolicy.map((p) => JSON.stringify(p)),
  // Truncated JSON: the syntax error must carry a position.
  fc.tuple(mutatedPolicy, fc.nat()).map(([p, cut]) => {
    const text = JSON.stringify(p);
    return text.slice(0, cut % (text.length + 1));
  }),
);

describe('fuzz: policy files', () => {
  it('validatePolicyDocuments never throws; every error names file, pointer, message and fix; what validates compiles and evaluates', () => {
    fc.assert(
      fc.property(fc.array(policyText, { minLength: 1, maxLength: 3 }), (texts) => {
        const inputs = texts.map((text, i) => ({ file: `policies/p${i}.json`, text }));
        const result = validatePolicyDocuments(inputs);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(inputs.map((i) => i.file)).toContain(error.file);
            expect(typeof error.pointer).toBe('string');
            expect(error.message.trim().length).toBeGreaterThan(3);
            expect(error.fix.trim().length).toBeGreaterThan(3);
          }
          return;
        }
        const compiled = compilePolicies(result.set);
        const decision = evaluate(compiled, { connection: { id: `${TARGET}/privateEndpointConnections/c`, properties: { privateEndpoint: { id: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Network/privateEndpoints/pe` }, privateLinkServiceConnectionState: { status: 'Pending', description: 'CHG123456' } } } });
        expect(['approve', 'reject', 'manual', 'ignore']).toContain(decision.decision);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('fuzz: evaluate lines', () => {
  const loaded = validatePolicyDocuments([{ file: 'p.json', text: JSON.stringify(VALID) }]);
  if (!loaded.ok) throw new Error('fixture policy invalid');
  const compiled = compilePolicies(loaded.set);
  const connection = { id: `${TARGET}/privateEndpointConnections/c`, etag: 'W/"1"', properties: { privateEndpoint: { id: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Network/privateEndpoints/pe` }, privateLinkServiceConnectionState: { status: 'Pending', description: 'CHG123456 x' } } };
  const endpoint = { id: connection.properties.privateEndpoint.id, properties: { subnet: { id: `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe` }, ipConfigurations: [{ properties: { privateIPAddress: '10.20.1.4' } }] } };
  const LINE_FIELDS = ['connection', 'connection.id', 'connection.properties', 'connection.properties.privateEndpoint', 'connection.properties.privateEndpoint.id', 'connection.properties.privateLinkServiceConnectionState.status', 'connection.properties.privateLinkServiceConnectionState.description', 'privateEndpoint', 'privateEndpoint.properties.subnet.id', 'privateEndpoint.properties.ipConfigurations', 'targetConnections', 'consumerTenantId'];
  const mutatedLine = fc.array(fc.tuple(fc.constantFrom(...LINE_FIELDS), NEAR), { maxLength: 4 }).map((edits) => {
    const line = { connection: structuredClone(connection), privateEndpoint: structuredClone(endpoint), targetConnections: [structuredClone(connection)] } as Record<string, unknown>;
    for (const [path, value] of edits) setPath(line, path, value);
    return JSON.stringify(line);
  });

  it('evaluateLine never throws and answers one JSON line: a decision or a clear error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), mutatedLine), (line) => {
        const out = evaluateLine(compiled, line, evaluate);
        expect(out).not.toContain('\n');
        const parsed = JSON.parse(out) as { error?: unknown; decision?: unknown; reasons?: unknown };
        if (parsed.error !== undefined) {
          expect(typeof parsed.error).toBe('string');
          expect(String(parsed.error).length).toBeGreaterThan(3);
          expect(String(parsed.error)).not.toContain('evaluation failed');
        } else {
          expect(['approve', 'reject', 'manual', 'ignore']).toContain(parsed.decision);
          expect(Array.isArray(parsed.reasons)).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
