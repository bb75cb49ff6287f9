import { describe, expect, it } from 'vitest';
import { parseAuditLine } from '../../src/audit/audit-file-lines.js';
import { withCurrentTrigger } from '../../src/audit/current-trigger.js';
import { recordEntity, recordOf } from '../../src/audit/table-entity-chunks.js';
import type { AuditRecord } from '../../src/audit/types.js';

const legacyLine = {
  id: 'r1',
  time: '2026-11-20T10:00:00.000Z',
  target: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls',
  connectionId: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls/privateEndpointConnections/c1',
  idempotencyKey: 'k1',
  trigger: { type: 'event', eventId: 'evt-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess' },
  decision: 'approve',
  action: { status: 'succeeded' },
  reasons: ['in autoApproval'],
  policy: 'p',
};

describe('audit triggers are read as DESIGN §6 spells them (type), whatever an older linkgate wrote', () => {
  it('rewrites a kind-spelled trigger to type and keeps its other fields', () => {
    const record = withCurrentTrigger(legacyLine as unknown as AuditRecord);
    expect(record.trigger).toEqual({ type: 'event', eventId: 'evt-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess' });
    expect(JSON.stringify(record)).not.toContain('"kind":"event"');
  });

  it('returns a current record untouched (the same object)', () => {
    const current = { ...legacyLine, trigger: { type: 'human', principal: 'alice', reason: 'CHG0001' } } as unknown as AuditRecord;
    expect(withCurrentTrigger(current)).toBe(current);
  });

  it('the file store reads an old line with type', () => {
    const parsed = parseAuditLine(JSON.stringify(legacyLine));
    expect('record' in parsed && parsed.record.trigger).toEqual({ type: 'event', eventId: 'evt-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess' });
  });

  it('the Table store reads an old entity with type', () => {
    const entity = recordEntity(legacyLine as unknown as AuditRecord, 'row', false, '');
    expect(recordOf(entity).trigger).toEqual({ type: 'event', eventId: 'evt-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess' });
  });
});
