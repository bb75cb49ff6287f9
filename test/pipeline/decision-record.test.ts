import { describe, expect, it } from 'vitest';
import type { ArmConnection } from '../../src/arm/types.js';
import { parseArmId } from '../../src/ids/arm-id.js';
import { decisionRecord, idempotencyKeyOf, shows, wantedStatus, withStatus } from '../../src/pipeline/decision-record.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';

const TARGET = '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st';
const CONSUMER = '22222222-2222-4222-8222-222222222222';

function connection(etag?: string): ArmConnection {
  return {
    id: `${TARGET}/privateEndpointConnections/PE.1`,
    ...(etag === undefined ? {} : { etag }),
    properties: {
      privateEndpoint: { id: `/subscriptions/${CONSUMER}/resourceGroups/app/providers/Microsoft.Network/privateEndpoints/pe` },
      privateLinkServiceConnectionState: { status: 'Pending', description: 'CHG000001 please' },
    },
  };
}

function build(conn: ArmConnection, startedMs: number, nowMs: number) {
  const parsed = parseArmId(TARGET);
  if (!parsed.ok) throw new Error(parsed.error);
  const policies = compilePolicies({ revision: 'rev-9', policies: [] });
  return decisionRecord(
    {
      target: parsed.id,
      connection: conn,
      decision: { connectionId: conn.id, target: TARGET, decision: 'approve', policy: 'p', reasons: ['r'], shadow: [] },
      endpoint: { readable: true, endpoint: { properties: { subnet: { id: 'sub-1' }, ipConfigurations: [{ properties: { privateIPAddress: '10.0.0.4' } }] } } },
      evaluationCase: { connection: conn, consumerTenantId: 't-1' },
      trigger: { type: 'cli' },
      enforced: true,
      startedMs,
    },
    { now: () => new Date(nowMs), newId: () => 'id-1', policies },
  );
}

describe('decisionRecord', () => {
  it('keys the record by connection ID and etag, and keeps the etag as a field of its own', () => {
    const record = build(connection('W/"7"'), 1_000, 1_250);
    expect(record.idempotencyKey).toBe(idempotencyKeyOf(connection().id, 'W/"7"'));
    expect(record.idempotencyKey).toBe(`${connection().id.toLowerCase()}|W/"7"`);
    expect(record.etag).toBe('W/"7"');
    expect(record).toMatchObject({
      id: 'id-1',
      time: new Date(1_250).toISOString(),
      decision: 'approve',
      enforced: true,
      policyRevision: 'rev-9',
      consumerSubscriptionId: CONSUMER,
      consumerTenantId: 't-1',
      subnetId: 'sub-1',
      ipAddresses: ['10.0.0.4'],
      previousStatus: 'Pending',
      requestMessage: 'CHG000001 please',
      action: { status: 'skipped' },
    });
  });

  it('measures the duration on the injected clock', () => {
    expect(build(connection(), 1_000, 1_250).durationMs).toBe(250);
  });

  it('an etag-less connection gets an empty etag, never undefined in the key', () => {
    const record = build(connection(), 0, 0);
    expect(record.etag).toBe('');
    expect(record.idempotencyKey.endsWith('|')).toBe(true);
  });
});

describe('status helpers', () => {
  it('map decisions to statuses and compare them case-insensitively', () => {
    expect(wantedStatus('approve')).toBe('Approved');
    expect(wantedStatus('reject')).toBe('Rejected');
    expect(wantedStatus('manual')).toBeUndefined();
    const approved = withStatus(connection(), 'Approved');
    expect(shows(approved, 'Approved')).toBe(true);
    expect(shows({ ...approved, properties: { privateLinkServiceConnectionState: { status: 'approved' } } }, 'Approved')).toBe(true);
    expect(shows(connection(), 'Approved')).toBe(false);
    expect(shows(undefined, 'Approved')).toBe(false);
    expect(approved.properties?.privateLinkServiceConnectionState?.description).toBe('CHG000001 please');
  });
});
