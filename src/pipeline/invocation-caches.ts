/**
 * Per-invocation memo of ARM reads that many connections share: a consumer endpoint named by
 * several connections and its network interface, a consumer subscription's home tenant.
 * Concurrent callers share one in-flight read; failures are not cached, so a retry reads again.
 */
import type { EndpointRead, NetworkInterfaceRead } from '../arm/types.js';

export interface InvocationCaches {
  endpoint(id: string, read: () => Promise<EndpointRead>): Promise<EndpointRead>;
  networkInterface(id: string, read: () => Promise<NetworkInterfaceRead>): Promise<NetworkInterfaceRead>;
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
  return { endpoint: memo<EndpointRead>(), networkInterface: memo<NetworkInterfaceRead>(), tenant: memo<string | undefined>() };
}
