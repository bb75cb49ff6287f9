import { describe, expect, it } from 'vitest';
import { parseArmId } from '../../src/ids/arm-id.js';
import { emptyOutcome } from '../../src/pipeline/reconcile-deps.js';
import { addTargetOutcome, emptyTotals } from '../../src/sweep/sweep-totals.js';

describe('addTargetOutcome', () => {
  it('sums every count and counts errors and failed decisions as errors; released is a failure and stranded owned, the open count comes after the sweep', () => {
    const parsed = parseArmId('/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st');
    if (!parsed.ok) throw new Error(parsed.error);
    const outcome = emptyOutcome(parsed.id);
    outcome.connections = 5;
    outcome.pending = 4;
    outcome.results = { approved: 1, rejected: 1, manual: 1, ignored: 1, auditOnly: 1, wouldApprove: 2, wouldReject: 3, owned: 1, released: 1, stranded: 1, failed: 2 };
    outcome.errors = ['boom'];
    const totals = emptyTotals();
    addTargetOutcome(totals, outcome);
    addTargetOutcome(totals, outcome);
    expect(totals).toEqual({ targets: 0, connections: 10, pending: 8, approved: 2, rejected: 2, manual: 2, auditOnly: 2, ungoverned: 2, wouldApprove: 4, wouldReject: 6, owned: 4, drift: 0, failed: 6, released: 0, stranded: 0, errors: 6 });
  });
});
