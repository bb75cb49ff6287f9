/**
 * Wraps a real AuditStore with injected faults, as a storage account under stress shows them: a
 * call refused before it reaches the store, or a call that took effect but whose answer was lost
 * (the hardest case for exactly-once: the caller cannot tell it succeeded). Faults are transient,
 * as the Table store reports a 503 (TableAuditStoreError with `transient: true`).
 */
import type { AuditStore } from '../../src/audit/types.js';
import { AuditStoreError } from '../../src/errors/audit-store-error.js';

export class InjectedStoreFault extends AuditStoreError {
  override name = 'InjectedStoreFault';
  constructor(message: string) {
    super(message, { code: 'InjectedStoreFault', transient: true });
  }
}

export interface StoreFaultStats {
  calls: number;
  before: number;
  after: number;
  byMethod: Record<string, number>;
}

const MUTATIONS = new Set(['claim', 'takeOver', 'complete', 'append', 'appendOnce']);
const FAULTABLE = new Set(['claim', 'takeOver', 'complete', 'append', 'appendOnce', 'findByKey', 'incomplete']);

export function withStoreFaults(store: AuditStore, options: { probability: number; random: () => number; enabled: () => boolean }): { store: AuditStore; stats: StoreFaultStats } {
  const stats: StoreFaultStats = { calls: 0, before: 0, after: 0, byMethod: {} };
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function' || !FAULTABLE.has(property)) return value;
      return async (...args: unknown[]) => {
        stats.calls++;
        const roll = options.enabled() ? options.random() : 1;
        if (roll < options.probability / 2) {
          stats.before++;
          stats.byMethod[property] = (stats.byMethod[property] ?? 0) + 1;
          throw new InjectedStoreFault(`injected audit store fault before ${property}`);
        }
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        if (roll < options.probability && MUTATIONS.has(property)) {
          stats.after++;
          stats.byMethod[property] = (stats.byMethod[property] ?? 0) + 1;
          throw new InjectedStoreFault(`injected audit store fault after ${property} (the write landed, the answer was lost)`);
        }
        return result;
      };
    },
  });
  return { store: wrapped, stats };
}
