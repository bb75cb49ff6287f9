/** ReconcileDeps for pipeline tests: silent, a controllable clock, predictable record ids, a 60 s lease. */
import type { ArmClient } from '../../src/arm/types.js';
import type { AuditStore } from '../../src/audit/types.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { createInvocationCaches } from '../../src/pipeline/invocation-caches.js';
import type { ReconcileDeps } from '../../src/pipeline/reconcile-target.js';
import type { CompiledPolicySet } from '../../src/policy/compile-policies.js';

export function reconcileDepsFactory(base: { arm: ArmClient; store: AuditStore; policies: CompiledPolicySet; clock: { now: number } }): (overrides?: Partial<ReconcileDeps>) => ReconcileDeps {
  let ids = 0;
  return (overrides = {}) => ({
    arm: base.arm,
    store: base.store,
    policies: base.policies,
    logger: silentLogger(),
    // Fresh per call, as each invocation gets its own.
    caches: createInvocationCaches(),
    dryRun: false,
    leaseMs: 60_000,
    now: () => new Date(base.clock.now),
    newId: () => `rec-${++ids}`,
    ...overrides,
  });
}
