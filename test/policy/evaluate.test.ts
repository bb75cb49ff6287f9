import { describe, expect, it } from 'vitest';
import { evaluate, evaluateWithDetail } from '../../src/policy/evaluate.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { compile, connection, CONSUMER, endpoint, pendingCase, policy, STRANGER, SUBNET, TARGET, TENANT } from './policy-builders.js';

describe('evaluate: one policy, first rule that applies', () => {
  const rows: Array<{ rule: string; document: Partial<PolicyDocument>; input: Parameters<typeof pendingCase>[0]; decision: string; reason: string }> = [
    { rule: 'deny.subscriptions rejects', document: { deny: { subscriptions: [CONSUMER] }, autoApproval: [CONSUMER] }, input: {}, decision: 'reject', reason: 'deny.subscriptions' },
    { rule: 'deny.tenants rejects', document: { deny: { tenants: [TENANT] }, autoApproval: [CONSUMER] }, input: { tenant: TENANT }, decision: 'reject', reason: 'deny.tenants' },
    { rule: 'deny.subnets (CIDR) rejects', document: { deny: { subnets: ['10.20.0.0/16'] }, autoApproval: [CONSUMER] }, input: { endpoint: endpoint() }, decision: 'reject', reason: 'deny.subnets: endpoint IP 10.20.1.4 is in 10.20.0.0/16' },
    { rule: 'deny.subnets (subnet pattern) rejects', document: { deny: { subnets: [SUBNET.replace('/pe', '/*')] } }, input: { endpoint: endpoint() }, decision: 'reject', reason: 'deny.subnets: endpoint subnet' },
    { rule: 'outside visibility rejects', document: { visibility: [STRANGER] }, input: {}, decision: 'reject', reason: 'visibility' },
    { rule: "visibility '*' lets everyone in", document: { visibility: ['*'] }, input: {}, decision: 'manual', reason: 'otherwise: manual' },
    { rule: 'autoApproval approves', document: { visibility: [CONSUMER], autoApproval: [CONSUMER] }, input: {}, decision: 'approve', reason: 'autoApproval' },
    { rule: 'trustedSubnets by subnet ID approves', document: { trustedSubnets: [SUBNET] }, input: { endpoint: endpoint() }, decision: 'approve', reason: 'matches' },
    { rule: 'trustedSubnets by CIDR approves', document: { trustedSubnets: ['10.20.0.0/16'] }, input: { endpoint: endpoint() }, decision: 'approve', reason: '10.20.0.0/16' },
    { rule: 'trustedSubnets by IPv6 CIDR approves', document: { trustedSubnets: ['fd00:1::/48'] }, input: { endpoint: endpoint({ ips: ['fd00:1::7'] }) }, decision: 'approve', reason: 'fd00:1::/48' },
    { rule: 'trustedTenants approves', document: { trustedTenants: [TENANT] }, input: { tenant: TENANT.toUpperCase() }, decision: 'approve', reason: 'trustedTenants' },
    { rule: 'requestMessage failing holds an approval', document: { autoApproval: [CONSUMER], requestMessage: '^CHG[0-9]{6}$' }, input: { message: 'pls' }, decision: 'manual', reason: 'requestMessage' },
    { rule: 'requestMessage matching lets it through', document: { autoApproval: [CONSUMER], requestMessage: '^CHG[0-9]{6}$' }, input: { message: 'CHG000123' }, decision: 'approve', reason: 'autoApproval' },
    { rule: 'connectionLimit reached holds an approval', document: { autoApproval: [CONSUMER], connectionLimit: 1 }, input: { siblings: [connection({ name: 'old', status: 'Approved' })] }, decision: 'manual', reason: 'connectionLimit 1 reached' },
    { rule: 'connectionLimit not reached approves', document: { autoApproval: [CONSUMER], connectionLimit: 2 }, input: { siblings: [connection({ name: 'old', status: 'Approved' }), connection({ name: 'r', status: 'Rejected' })] }, decision: 'approve', reason: 'autoApproval' },
    { rule: 'connectionLimit does not count the connection itself', document: { autoApproval: [CONSUMER], connectionLimit: 1 }, input: { siblings: [connection({ status: 'Approved' })] }, decision: 'approve', reason: 'autoApproval' },
    { rule: 'connectionLimit unknown siblings → manual', document: { autoApproval: [CONSUMER], connectionLimit: 1 }, input: {}, decision: 'manual', reason: 'not checked' },
    { rule: 'otherwise: reject', document: { otherwise: 'reject' }, input: {}, decision: 'reject', reason: 'otherwise: reject' },
    { rule: 'otherwise: manual (default)', document: {}, input: {}, decision: 'manual', reason: 'otherwise: manual' },
    { rule: 'unreadable endpoint: subnet rules do not match, reason says so', document: { trustedSubnets: ['10.20.0.0/16'], otherwise: 'reject' }, input: {}, decision: 'reject', reason: 'trustedSubnets not checked' },
    { rule: 'unknown tenant: tenant rules do not match', document: { trustedTenants: [TENANT] }, input: {}, decision: 'manual', reason: 'trustedTenants not checked' },
    { rule: 'unknown tenant with deny.tenants holds an approval', document: { autoApproval: [CONSUMER], deny: { tenants: [TENANT] } }, input: {}, decision: 'manual', reason: 'deny condition could not be checked' },
    { rule: 'a readable endpoint without IPs cannot clear a CIDR deny: approval held', document: { autoApproval: [CONSUMER], deny: { subnets: ['10.99.0.0/16'] } }, input: { endpoint: endpoint({ ips: [] }) }, decision: 'manual', reason: 'reports no private IP' },
    { rule: 'unknown consumer cannot pass visibility: approval held', document: { visibility: [STRANGER], trustedTenants: [TENANT] }, input: { tenant: TENANT, consumer: 'not-a-guid' }, decision: 'manual', reason: 'visibility could not be checked' },
    { rule: 'unreadable endpoint with deny.subnets holds an approval', document: { autoApproval: [CONSUMER], deny: { subnets: ['10.99.0.0/16'] } }, input: {}, decision: 'manual', reason: 'deny condition could not be checked' },
  ];
  it.each(rows)('$rule', ({ document, input, decision, reason }) => {
    const result = evaluate(compile(policy({ name: 'p', ...document })), pendingCase(input));
    expect(result.decision).toBe(decision);
    expect(result.reasons.join(' | ')).toContain(reason);
    expect(result.policy).toBe('p');
  });
});

describe('evaluate: across policies (deny overrides)', () => {
  const approve = (name: string) => policy({ name, autoApproval: [CONSUMER] });
  const explicitReject = (name: string) => policy({ name, deny: { subscriptions: [CONSUMER] } });
  const visibilityReject = (name: string) => policy({ name, visibility: [STRANGER] });
  const otherwiseReject = (name: string) => policy({ name, otherwise: 'reject' });
  const manual = (name: string) => policy({ name });
  const rows = [
    { row: 'deny beats approve', policies: [approve('a'), explicitReject('b')], decision: 'reject', by: 'b' },
    { row: 'visibility reject beats approve', policies: [approve('a'), visibilityReject('b')], decision: 'reject', by: 'b' },
    { row: 'approve beats otherwise: reject', policies: [otherwiseReject('a'), approve('b')], decision: 'approve', by: 'b' },
    { row: 'approve beats manual', policies: [manual('a'), approve('b')], decision: 'approve', by: 'b' },
    { row: 'otherwise: reject beats manual', policies: [manual('a'), otherwiseReject('b')], decision: 'reject', by: 'b' },
    { row: 'equal ranks: the first by name decides', policies: [approve('z'), approve('m')], decision: 'approve', by: 'm' },
  ];
  it.each(rows)('$row', ({ policies, decision, by }) => {
    const result = evaluate(compile(...policies), pendingCase({}));
    expect(result.decision).toBe(decision);
    expect(result.policy).toBe(by);
  });

  it('names the approval it overrode', () => {
    const result = evaluate(compile(approve('a'), explicitReject('b')), pendingCase({}));
    expect(result.reasons).toContain("overrides approve by policy 'a'");
  });

  it('only policies whose targets match decide', () => {
    const elsewhere = policy({ name: 'elsewhere', targets: [TARGET.replace('pay-api', 'other')], deny: { subscriptions: [CONSUMER] } });
    expect(evaluate(compile(approve('a'), elsewhere), pendingCase({})).decision).toBe('approve');
  });
});

describe('evaluate: what is not decided', () => {
  const set = compile(policy({ name: 'p', autoApproval: [CONSUMER] }), policy({ name: 'shadow', mode: 'audit', otherwise: 'reject' }));

  it.each(['Approved', 'Rejected', 'Disconnected', undefined])('ignores a connection whose status is %s', (status) => {
    const input = pendingCase({});
    const state = (input.connection as { properties: { privateLinkServiceConnectionState: Record<string, unknown> } }).properties.privateLinkServiceConnectionState;
    if (status === undefined) delete state['status'];
    else state['status'] = status;
    const result = evaluate(set, input);
    expect(result).toMatchObject({ decision: 'ignore', policy: null, shadow: [] });
  });

  it('ignores a target no policy governs', () => {
    const result = evaluate(set, pendingCase({ target: TARGET.replace('pay-api', 'other') }));
    expect(result).toMatchObject({ decision: 'ignore', policy: null, reasons: [expect.stringContaining('no policy governs')] });
  });

  it('records audit-mode policies as shadow results beside the decision', () => {
    const result = evaluate(set, pendingCase({}));
    expect(result.decision).toBe('approve');
    expect(result.shadow).toEqual([{ policy: 'shadow', decision: 'reject', reasons: ['no approval rule matched', 'otherwise: reject'] }]);
  });

  it('an audit-only target is ignored but carries its shadow results', () => {
    const result = evaluate(compile(policy({ name: 'shadow', mode: 'audit', autoApproval: [CONSUMER] })), pendingCase({}));
    expect(result).toMatchObject({ decision: 'ignore', policy: null, shadow: [{ policy: 'shadow', decision: 'approve' }] });
  });

  it.each([
    ['a forged ID with ..', `${TARGET}/../privateEndpointConnections/x`],
    ['an ID with a query', `${TARGET}/privateEndpointConnections/x?api-version=1`],
    ['a non-connection child', `${TARGET}/somethingElse/x`],
    ['a number', 42],
  ])('ignores %s', (_label, id) => {
    const input = pendingCase({});
    (input.connection as { id: unknown }).id = id;
    expect(evaluate(set, input).decision).toBe('ignore');
  });

  it('a connection without a private endpoint is never approved', () => {
    const input = pendingCase({});
    delete (input.connection as { properties: { privateEndpoint?: unknown } }).properties.privateEndpoint;
    const result = evaluate(set, input);
    expect(result.decision).toBe('manual');
    expect(result.reasons.join(' ')).toContain('autoApproval not checked');
  });

  it('the fast path for a known target still refuses a hostile connection name', () => {
    evaluate(set, pendingCase({ name: 'warm' }));
    const input = pendingCase({});
    for (const name of ['x%2F..', '..', '.', 'x\u3000y', 'x\ufeff', 'a?b']) {
      (input.connection as { id: string }).id = `${TARGET}/privateEndpointConnections/${name}`;
      expect(evaluate(set, input).decision).toBe('ignore');
    }
  });
});

describe('evaluateWithDetail', () => {
  it('lists every governing policy verdict in name order', () => {
    const detail = evaluateWithDetail(
      compile(policy({ name: 'b', autoApproval: [CONSUMER] }), policy({ name: 'a', otherwise: 'reject' }), policy({ name: 'c', mode: 'audit' })),
      pendingCase({}),
    );
    expect(detail.verdicts.map((v) => `${v.policy}:${v.mode}:${v.decision}`)).toEqual(['c:audit:manual', 'a:enforce:reject', 'b:enforce:approve']);
    expect(detail.decision.decision).toBe('approve');
  });
});

describe('requirements', () => {
  it('asks ARM only for what the target’s policies use', () => {
    const set = compile(policy({ name: 'a', autoApproval: [CONSUMER] }), policy({ name: 'b', targets: [TARGET.replace('pay-api', 'x')], trustedSubnets: ['10.0.0.0/8'], trustedTenants: [TENANT], connectionLimit: 2 }));
    expect(set.requirements(TARGET.toLowerCase())).toEqual({ endpoint: false, tenant: false, targetConnections: false });
    expect(set.requirements(TARGET.replace('pay-api', 'x').toLowerCase())).toEqual({ endpoint: true, tenant: true, targetConnections: true });
    expect(set.governs(TARGET.toLowerCase())).toBe(true);
    expect(set.governs(TARGET.replace('pay-api', 'nope').toLowerCase())).toBe(false);
  });
});
