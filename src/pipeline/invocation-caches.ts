/**
 * Per-invocation memo of ARM reads that many connections share: a consumer endpoint named by
 * several connections, a consumer subscription's home tenant. Concurrent callers share one
 * in-flight read; failures are not cached, so a retry reads again.
 */
import type { EndpointRead } from '../arm/types.js';

export interface InvocationCaches {
  endpoint(id: string, read: () => Promise<EndpointRead>): Promise<EndpointRead>;
  tenant(subscriptionId: string, read: () => Promise<string | undefined>): Promise<string | undefined>;
}

function memo<T>(): (key: string, read: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, read) => {
    const lower = key.toLowerCase();
    let entry = entries.get(lower);
    if (entry === undefined) {
      entry = read();
      entries.set(lower, entry);
      entry.catch(() => entries.delete(lower));
    }
    return entry;
  };
}

export function createInvocationCaches(): InvocationCaches {
  return { endpoint: memo<EndpointRead>(), tenant: memo<string | undefined>() };
}
