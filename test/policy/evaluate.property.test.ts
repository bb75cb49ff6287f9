import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';
import { compile, CONSUMER, endpoint, pendingCase, policy, STRANGER, TENANT } from './policy-builders.js';

const set = compile(
  policy({ name: 'allow', visibility: ['*'], autoApproval: [CONSUMER], trustedSubnets: ['10.20.0.0/16'], trustedTenants: [TENANT], connectionLimit: 3 }),
  policy({ name: 'deny', deny: { subscriptions: [STRANGER], subnets: ['10.99.0.0/16'], tenants: ['6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d'] } }),
  policy({ name: 'shadow', mode: 'audit', requestMessage: '^CHG' }),
);

describe('evaluate is total', () => {
  it('never throws and always answers with a decision, on any JSON at all', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), fc.option(fc.string()), (connection, privateEndpoint, siblings, tenant) => {
        const input = { connection, privateEndpoint, targetConnections: siblings as unknown[], consumerTenantId: tenant ?? undefined };
        const result = evaluate(set, input as never);
        expect(['approve', 'reject', 'manual', 'ignore']).toContain(result.decision);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('never throws on mutated real connections', () => {
    const base = pendingCase({ endpoint: endpoint() });
    const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.array(fc.string()), fc.object());
    fc.assert(
      fc.property(fc.constantFrom('id', 'properties', 'privateEndpoint', 'privateLinkServiceConnectionState', 'status', 'description'), junk, (field, value) => {
        const input = structuredClone(base) as { connection: Record<string, unknown> };
        const props = input.connection['properties'] as Record<string, Record<string, unknown>>;
        if (field === 'id' || field === 'properties') input.connection[field] = value;
        else if (field === 'privateEndpoint' || field === 'privateLinkServiceConnectionState') props[field] = value as Record<string, unknown>;
        else props['privateLinkServiceConnectionState']![field] = value;
        expect(() => evaluate(set, input as never)).not.toThrow();
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('deny overrides every approval', () => {
  it('never approves when a deny entry matches, whatever else is true', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('subscription', 'subnet', 'tenant'),
        fc.boolean(),
        fc.boolean(),
        fc.string(),
        fc.integer({ min: 0, max: 5 }),
        (which, trustedIp, trustedTenant, message, approvedSiblings) => {
          const consumer = which === 'subscription' ? STRANGER : CONSUMER;
          const ips = [which === 'subnet' ? '10.99.1.1' : '172.16.0.1', ...(trustedIp ? ['10.20.1.1'] : [])];
          const tenant = which === 'tenant' ? '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d' : trustedTenant ? TENANT : undefined;
          const siblings = Array.from({ length: approvedSiblings }, (_, i) => pendingCase({ name: `s${i}`, consumer, status: 'Approved' }).connection);
          const input = pendingCase({ consumer, message, endpoint: endpoint({ ips }), siblings, ...(tenant === undefined ? {} : { tenant }) });
          const result = evaluate(set, input);
          expect(result.decision).toBe('reject');
          expect(result.policy).toBe('deny');
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
