/**
 * The ARM client one delivery sees: once the delivery's deadline has passed (its answer has gone
 * out as 503, and Event Grid will redeliver), it starts no new work, so a late batch winds down
 * instead of running on behind the retry.
 *
 * Only the reads that begin work are refused: listing a target's connections, reading a consumer
 * endpoint, looking up a tenant, querying Resource Graph. Reads and writes that finish a decision
 * already claimed (the write, the re-read that confirms it) always run: cutting them would leave
 * a claim without its outcome, which is worse than finishing late. So a delivery past its deadline
 * leaves no write unrecorded.
 */
import type { ArmClient } from '../arm/types.js';
import { LinkgateError } from '../errors/linkgate-error.js';

export class DeliveryDeadlineError extends LinkgateError {
  override name = 'DeliveryDeadlineError';
}

function refused(what: string): DeliveryDeadlineError {
  // Transient: the redelivery does the work this delivery did not start.
  return new DeliveryDeadlineError(`${what} not started: the delivery passed its deadline and was answered 503`, {
    code: 'DeliveryDeadline',
    transient: true,
    hint: 'Event Grid redelivers the event; raise LINKGATE_SERVE_DEADLINE_MS only if deliveries routinely need longer (Event Grid waits 30 s)',
  });
}

export function armWithDeadline(arm: ArmClient, signal: AbortSignal): ArmClient {
  const guard = <T>(what: string, call: () => Promise<T>): Promise<T> => (signal.aborted ? Promise.reject(refused(what)) : call());
  // Any other method (a read added later) passes through as it is.
  const passThrough = Object.fromEntries(Object.entries(arm).map(([name, value]) => [name, typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(arm) : value])) as unknown as ArmClient;
  return {
    ...passThrough,
    listConnections: (targetId) => guard('listing connections', () => arm.listConnections(targetId)),
    getPrivateEndpoint: (id) => guard('reading a private endpoint', () => arm.getPrivateEndpoint(id)),
    homeTenantOf: (subscriptionId) => guard('looking up a home tenant', () => arm.homeTenantOf(subscriptionId)),
    queryResourceGraph(request) {
      if (signal.aborted) throw refused('a Resource Graph query');
      return arm.queryResourceGraph(request);
    },
    // Finishing a claimed decision is never cut short.
    getConnection: (id) => arm.getConnection(id),
    setConnectionStatus: (request) => arm.setConnectionStatus(request),
    close: () => arm.close(),
  };
}
