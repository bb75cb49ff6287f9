/**
 * How long a claim must be held before anyone may take it over: the longest a write can still be
 * on its way, derived from the ARM client's own limits instead of a guessed constant. Until then a
 * claim's writer may still be sending, retrying or polling its write, and for the many types whose
 * connections carry no etag nothing else would stop a second write.
 */
import { resolveClientLimits, writeLimitsOf, writeWorstCaseMs, type ArmClientLimits, type WriteLimits } from '../arm/client-limits.js';

export type { WriteLimits } from '../arm/client-limits.js';

/**
 * How long ARM may still apply a request after the client stopped waiting for it: ARM proxies a
 * request to the resource provider with a 60 s client timeout (Azure Resource Manager RPC, "Common
 * API Details", "Client Request Timeout"), after which the caller gets 504.
 */
export const ARM_PROXY_TIMEOUT_MS = 60_000;

/** Added to the derived lease at runtime: clock skew between workers and the audit store, and the claim's own bookkeeping. */
export const LEASE_MARGIN_MS = 60_000;

/** The write path's worst case (client-limits.ts) plus the window in which a request the client gave up on may still land. */
export function writeLeaseMs(limits: WriteLimits & { stragglerMs: number }): number {
  return writeWorstCaseMs(limits) + limits.stragglerMs;
}

/** The shortest lease that is safe with these client limits (no margin). */
export function minimumLeaseMs(limits: Partial<ArmClientLimits> = {}): number {
  return writeLeaseMs({ ...writeLimitsOf(resolveClientLimits(limits)), stragglerMs: ARM_PROXY_TIMEOUT_MS });
}

/** The lease a runtime uses unless LINKGATE_LEASE_SECONDS says otherwise: the minimum plus a margin, in whole seconds. */
export function defaultLeaseSeconds(limits: Partial<ArmClientLimits> = {}): number {
  return Math.ceil((minimumLeaseMs(limits) + LEASE_MARGIN_MS) / 1000);
}
