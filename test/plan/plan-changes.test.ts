/** How plan classifies a changed decision by the connection's status (Pending, Approved, Rejected). */
import { describe, expect, it } from 'vitest';
import { addToTotals, emptyTotals, planChange } from '../../src/plan/plan-changes.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import type { PolicyDocument } from '../../src/policy/types.js';

const PLS = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls';
const CONSUMER = '5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';

function set(document: Partial<PolicyDocument>) {
  return compilePolicies({ revision: 'r', policies: [{ file: 'p.json', document: { name: 'p', targets: [PLS], ...document } }] });
}

function connection(status: string, name = 'c') {
  return { id: `${PLS}/privateEndpointConnections/${name}`, properties: { privateEndpoint: { id: `/subscriptions/${CONSUMER}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/${name}` }, privateLinkServiceConnectionState: { status } } };
}

const approving = set({ autoApproval: [CONSUMER] });
const denying = set({ deny: { subscriptions: [CONSUMER] } });
const otherwiseReject = set({ otherwise: 'reject' });
const manual = set({});

describe('planChange', () => {
  it.each([
    ['Pending', manual, approving, 'newly-approved'],
    ['Pending', approving, denying, 'newly-rejected'],
    ['Pending', approving, manual, 'newly-manual'],
    ['Pending', approving, compilePolicies({ revision: 'r', policies: [] }), 'newly-ungoverned'],
    ['Approved', approving, denying, 'revocable'],
    ['Approved', denying, approving, 'no-longer-revocable'],
    ['Rejected', denying, approving, 'now-approvable'],
    ['Rejected', approving, manual, 'no-longer-approvable'],
  ] as const)('%s: %#', (status, base, head, kind) => {
    expect(planChange(base, head, { connection: connection(status) })?.kind).toBe(kind);
  });

  it('no change: same decision, an Approved connection the head still approves or leaves manual, a transitional status', () => {
    expect(planChange(approving, approving, { connection: connection('Pending') })).toBeUndefined();
    expect(planChange(approving, manual, { connection: connection('Approved') })).toBeUndefined();
    expect(planChange(manual, approving, { connection: connection('Disconnecting') })).toBeUndefined();
  });

  it('a revocable connection says whether the reject is explicit (deny) or rests on otherwise', () => {
    expect(planChange(approving, denying, { connection: connection('Approved') })?.after.explicit).toBe(true);
    expect(planChange(approving, otherwiseReject, { connection: connection('Approved') })?.after.explicit).toBe(false);
  });

  it('an Approved connection does not count against its own connectionLimit', () => {
    const limited = set({ autoApproval: [CONSUMER], connectionLimit: 1 });
    const self = connection('Approved');
    expect(planChange(denying, limited, { connection: self, targetConnections: [self] })?.after.decision).toBe('approve');
    expect(planChange(denying, limited, { connection: self, targetConnections: [self, connection('Approved', 'other')] })?.after.decision).toBe('manual');
  });

  it('totals add up', () => {
    const totals = emptyTotals();
    addToTotals(totals, planChange(manual, approving, { connection: connection('Pending') }));
    addToTotals(totals, undefined);
    expect(totals).toMatchObject({ connections: 2, changed: 1, unchanged: 1, byKind: { 'newly-approved': 1 } });
  });
});
