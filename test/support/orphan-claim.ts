/** An approval claim left pending by a writer that died: the record crash-recovery tests start from. */
import type { ArmConnection } from '../../src/arm/types.js';
import type { AuditRecord } from '../../src/audit/types.js';

export function orphanClaim(connection: ArmConnection, options: { target: string; consumer: string; time: Date; leaseUntil: Date; policy?: string; id?: string }): AuditRecord {
  return {
    id: options.id ?? 'orphan',
    time: options.time.toISOString(),
    trigger: { type: 'sweep' },
    target: options.target,
    connectionId: connection.id,
    privateEndpointId: connection.properties?.privateEndpoint?.id ?? '',
    consumerSubscriptionId: options.consumer,
    requestMessage: '',
    previousStatus: 'Pending',
    decision: 'approve',
    enforced: true,
    policy: options.policy ?? 'payments-pls',
    reasons: [],
    shadow: [],
    policyRevision: 'rev-0',
    action: { status: 'pending' },
    durationMs: 0,
    idempotencyKey: `${connection.id.toLowerCase()}|${connection.etag ?? ''}`,
    etag: connection.etag ?? '',
    leaseUntil: options.leaseUntil.toISOString(),
    kind: 'decision',
  };
}
