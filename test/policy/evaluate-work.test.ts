/**
 * Issue 12 (Build 4): what one decision does, counted rather than timed, so a change that puts
 * back per-policy ID parsing, per-list IP parsing or unneeded pattern matching fails here on any
 * machine. The counted functions are wrapped where the evaluator imports them (vi.mock), so the
 * evaluator itself is unchanged.
 */
import { RE2JS } from 're2js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalKeyOf, targetOfConnectionId } from '../../src/ids/arm-id.js';
import { parseIpv4 } from '../../src/net/ip-address.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { SubscriptionIndex } from '../../src/policy/subscription-index.js';
import type * as ArmIdExports from '../../src/ids/arm-id.js';
import type * as IpAddressExports from '../../src/net/ip-address.js';
import { compile, CONSUMER, endpoint, pendingCase, policy, STRANGER, SUBNET, TARGET, TENANT } from './policy-builders.js';

type ArmIdModule = typeof ArmIdExports;
type IpAddressModule = typeof IpAddressExports;

vi.mock('../../src/ids/arm-id.js', async (importOriginal) => {
  const original = await importOriginal<ArmIdModule>();
  return { ...original, canonicalKeyOf: vi.fn(original.canonicalKeyOf), targetOfConnectionId: vi.fn(original.targetOfConnectionId) };
});
vi.mock('../../src/net/ip-address.js', async (importOriginal) => {
  const original = await importOriginal<IpAddressModule>();
  return { ...original, parseIpv4: vi.fn(original.parseIpv4) };
});

const POLICIES = 5;
const SUBNET_PATTERN = SUBNET.replace('/pe', '/*');

/** Several policies governing one target, each asking about the subnet, the IP and the subscription. */
function manyPolicies(extra?: ReturnType<typeof policy>) {
  const documents = Array.from({ length: POLICIES }, (_, i) =>
    policy({ name: `p${i}`, deny: { subscriptions: [STRANGER], subnets: ['10.99.0.0/16'] }, trustedSubnets: [`10.${30 + i}.0.0/16`, SUBNET_PATTERN.replace('hub', `hub${i}`)], trustedTenants: [TENANT] }),
  );
  return compile(...documents, ...(extra === undefined ? [] : [extra]));
}

function caseNamed(name: string, message = '') {
  return pendingCase({ name, message, endpoint: endpoint({ ips: ['10.20.1.4'] }), tenant: TENANT });
}

beforeEach(() => vi.clearAllMocks());
afterEach(() => vi.restoreAllMocks());

describe('one decision reads each fact once, however many policies ask', () => {
  it('parses a connection ID in full once per target, not per policy or per connection', () => {
    const set = manyPolicies();
    evaluate(set, caseNamed('c1'));
    expect(vi.mocked(targetOfConnectionId)).toHaveBeenCalledTimes(1);
    for (const name of ['c2', 'c3', 'c4']) expect(evaluate(set, caseNamed(name)).decision).toBe('approve');
    expect(vi.mocked(targetOfConnectionId)).toHaveBeenCalledTimes(1);
  });

  it('parses each endpoint IP once per decision, not once per CIDR list', () => {
    const set = manyPolicies();
    evaluate(set, caseNamed('warm-up'));
    vi.mocked(parseIpv4).mockClear();
    const result = evaluate(set, caseNamed('c1'));
    // Ten CIDR lists (a deny and a trusted list in each of five policies) ask about one address.
    expect(result.decision).toBe('approve');
    expect(vi.mocked(parseIpv4)).toHaveBeenCalledTimes(1);
  });

  it("looks the consumer's subscription up once per decision, however many policies and lists ask", () => {
    const find = vi.spyOn(SubscriptionIndex.prototype, 'find');
    const lists = (i: number) => policy({ name: `p${i}`, visibility: [CONSUMER, STRANGER], autoApproval: [STRANGER], deny: { subscriptions: [STRANGER] }, trustedSubnets: [SUBNET_PATTERN.replace('hub', `hub${i}`)] });
    const lookups = (count: number) => {
      const set = compile(...Array.from({ length: count }, (_, i) => lists(i)));
      evaluate(set, caseNamed('warm-up'));
      find.mockClear();
      // The subnet is in the consumer's own subscription: its pattern check needs no second lookup.
      const result = evaluate(set, pendingCase({ name: 'c1', endpoint: endpoint({ ips: ['172.16.0.1'], subnet: SUBNET.replace('hub', 'hub0') }) }));
      expect(result.decision).toBe('approve');
      return find.mock.calls.length;
    };
    expect(lookups(1)).toBe(1);
    expect(lookups(POLICIES)).toBe(1);
    find.mockRestore();
  });

  it("computes the subnet's canonical key once per decision, not once per policy", () => {
    const set = manyPolicies();
    const input = pendingCase({ name: 'c1', endpoint: endpoint({ ips: ['172.16.0.1'], subnet: SUBNET.replace('hub', 'hub4') }), tenant: 'f0f0f0f0-0000-4000-8000-000000000000' });
    vi.mocked(canonicalKeyOf).mockClear();
    const result = evaluate(set, input);
    expect(result.decision).toBe('approve');
    expect(result.reasons[0]).toContain('hub4');
    expect(vi.mocked(canonicalKeyOf)).toHaveBeenCalledTimes(1);
  });
});

describe('no pattern matching unless a request-message rule has to judge', () => {
  let re2: ReturnType<typeof vi.spyOn>;
  // Every regex match goes through RegExp.prototype.exec once it is replaced (test, match, replace).
  let regexExec: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    re2 = vi.spyOn(RE2JS.prototype, 'test');
    regexExec = vi.spyOn(RegExp.prototype, 'exec');
  });

  it('runs the same regex work per decision for one policy as for five, and no RE2, when no policy has a request-message rule', () => {
    const regexCalls = (set: ReturnType<typeof compile>): number => {
      evaluate(set, caseNamed('warm-up'));
      regexExec.mockClear();
      const approved = evaluate(set, caseNamed('c1', 'CHG000001')).decision;
      const manual = evaluate(set, pendingCase({ name: 'c2', endpoint: endpoint({ ips: ['172.16.0.1'] }) })).decision;
      // Counted before any expect: the assertion library formats its messages with regexes.
      const calls = regexExec.mock.calls.length;
      expect([approved, manual]).toEqual(['approve', 'manual']);
      return calls;
    };
    const one = regexCalls(compile(policy({ name: 'p', deny: { subscriptions: [STRANGER], subnets: ['10.99.0.0/16'] }, trustedSubnets: ['10.20.0.0/16'], trustedTenants: [TENANT] })));
    const documents = Array.from({ length: POLICIES }, (_, i) => policy({ name: `p${i}`, deny: { subscriptions: [STRANGER], subnets: ['10.99.0.0/16'] }, trustedSubnets: ['10.20.0.0/16'], trustedTenants: [TENANT] }));
    const five = regexCalls(compile(...documents));
    // ARM's own spelling of IDs needs no regex at all: the subscription GUID and the connection
    // name are checked by their character codes (a regex judges only other spellings).
    expect(one).toBe(0);
    expect(five).toBe(one);
    expect(re2).not.toHaveBeenCalled();
  });

  it('matches the request message only for a policy whose approval rule matched, once', () => {
    const guarded = policy({ name: 'guarded', trustedSubnets: ['10.20.0.0/16'], requestMessage: '^CHG[0-9]{6}$' });
    const set = compile(guarded, policy({ name: 'other', autoApproval: [STRANGER], requestMessage: '^INC' }));
    expect(evaluate(set, caseNamed('c1', 'CHG000001')).decision).toBe('approve');
    expect(re2).toHaveBeenCalledTimes(1);
    re2.mockClear();
    expect(evaluate(set, pendingCase({ name: 'c2', message: 'CHG000001', endpoint: endpoint({ ips: ['172.16.0.1'] }) })).decision).toBe('manual');
    expect(re2).not.toHaveBeenCalled();
  });

  it("reads the consumer endpoint's own message only when a request-message rule asks for it", () => {
    let reads = 0;
    const counted = (ep: ReturnType<typeof endpoint>) => {
      const properties = new Proxy(ep.properties as Record<string, unknown>, {
        get(target, key, receiver) {
          if (key === 'privateLinkServiceConnections' || key === 'manualPrivateLinkServiceConnections') reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      return { ...ep, properties };
    };
    // "Awaiting approval" is a service default, not the consumer's message: theirs is on their endpoint (DESIGN §9).
    const input = (name: string) => pendingCase({ name, message: 'Awaiting approval', endpoint: counted(endpoint({ ips: ['10.20.1.4'] })) });
    expect(evaluate(compile(policy({ name: 'p', trustedSubnets: ['10.20.0.0/16'] })), input('c1')).decision).toBe('approve');
    expect(reads).toBe(0);
    const guarded = compile(policy({ name: 'p', trustedSubnets: ['10.20.0.0/16'], requestMessage: '^CHG' }));
    expect(evaluate(guarded, input('c2')).decision).toBe('manual');
    expect(reads).toBeGreaterThan(0);
  });
});

describe('the counted cases still decide as before', () => {
  it('approves a listed consumer by its target', () => {
    const set = manyPolicies(policy({ name: 'list', autoApproval: [CONSUMER], targets: [TARGET] }));
    expect(evaluate(set, caseNamed('c1')).policy).toBe('list');
  });
});
