/**
 * Per-invocation memo of ARM reads that many connections share: a consumer endpoint named by
 * several connections and its network interface, a consumer subscription's home tenant.
 * Concurrent callers share one in-flight read; failures are not cached, so a retry reads again.
 */
import type { EndpointRead, NetworkInterfaceRead } from '../arm/types.js';
import { createAsyncMemo } from '../util/async-memo.js';

export interface InvocationCaches {
  endpoint(id: string, read: () => Promise<EndpointRead>): Promise<EndpointRead>;
  networkInterface(id: string, read: () => Promise<NetworkInterfaceRead>): Promise<NetworkInterfaceRead>;
  tenant(subscriptionId: string, read: () => Promise<string | undefined>): Promise<string | undefined>;
}


export function createInvocationCaches(): InvocationCaches {
  return { endpoint: createAsyncMemo<EndpointRead>(), networkInterface: createAsyncMemo<NetworkInterfaceRead>(), tenant: createAsyncMemo<string | undefined>() };
}
