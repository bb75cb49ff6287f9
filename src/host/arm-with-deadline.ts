/**
 * The ARM client one delivery sees: once the delivery's deadline has passed (its answer has gone
 * out as a failure, 503 from `serve` or a failed invocation in Functions, and Event Grid will
 * redeliver; deliver-within-deadline.ts), it starts no new work, so a late batch winds down
 * instead of running on behind the retry.
 *
 * Only the reads that begin work are refused: listing a target's connections, reading a consumer
 * endpoint or its network interface, looking up a tenant, querying Resource Graph. Reads and
 * writes that finish a decision already claimed (the write, the re-read that confirms it) always
 * run: cutting them would leave a claim without its outcome, which is worse than finishing late.
 * So a delivery past its deadline leaves no write unrecorded.
 */
import type { ArmClient } from '../arm/types.js';
import { deliveryDeadlineError, type DeliveryDeadlineError } from './deliver-within-deadline.js';

function refused(what: string): DeliveryDeadlineError {
  return deliveryDeadlineError(`${what} not started: the delivery passed its deadline and was answered as failed`);
}

export function armWithDeadline(arm: ArmClient, signal: AbortSignal): ArmClient {
  const guard = <T>(what: string, call: () => Promise<T>): Promise<T> => (signal.aborted ? Promise.reject(refused(what)) : call());
  // Any other method (a read added later) passes through as it is.
  const passThrough = Object.fromEntries(Object.entries(arm).map(([name, value]) => [name, typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(arm) : value])) as unknown as ArmClient;
  return {
    ...passThrough,
    listConnections: (targetId) => guard('listing connections', () => arm.listConnections(targetId)),
    getPrivateEndpoint: (id) => guard('reading a private endpoint', () => arm.getPrivateEndpoint(id)),
    getNetworkInterface: (id) => guard("reading a private endpoint's network interface", () => arm.getNetworkInterface(id)),
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
