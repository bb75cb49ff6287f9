/**
 * An in-memory ArmClient for pipeline unit tests: connections per target with etags that move on
 * every write, endpoints, tenants, and scripted failures per operation. Integration tests use the
 * ARM emulator over HTTP instead; this double keeps the pipeline's own logic fast to test.
 */
import { ArmError, isTransientStatus } from '../../src/arm/arm-error.js';
import type { ArmClient, ArmConnection, EndpointRead, NetworkInterfaceRead, ResourceGraphRequest, SetStatusRequest, SetStatusResult } from '../../src/arm/types.js';
import { targetOfConnectionId } from '../../src/ids/arm-id.js';

export type FakeOperation = 'list' | 'get' | 'endpoint' | 'nic' | 'tenant' | 'write' | 'graph';

/** An ARM refusal as the real client raises it (an ArmError), so the pipeline classifies it by type. */
export class FakeArmError extends ArmError {
  override name = 'FakeArmError';
  constructor(httpStatus: number, message: string) {
    super({
      method: 'PUT',
      path: '/fake',
      httpStatus,
      code: undefined,
      armMessage: message,
      requestId: undefined,
      correlationId: undefined,
      transient: isTransientStatus(httpStatus),
      retryAfterMs: undefined,
    });
  }
}

export interface FakeArm extends ArmClient {
  connections: Map<string, ArmConnection[]>;
  endpoints: Map<string, Record<string, unknown>>;
  /** Network interfaces by lower-case ID; a missing one reads as 403. */
  networkInterfaces: Map<string, Record<string, unknown>>;
  tenants: Map<string, string>;
  writes: { connectionId: string; status: string; etag: string | undefined }[];
  calls: { op: FakeOperation; id: string }[];
  /** Throw `error` on the next `times` calls of `op`. */
  failNext(op: FakeOperation, error: Error, times?: number): void;
  /** Run `hook` just before the next write is applied (e.g. to change the connection: a 412 race). */
  beforeNextWrite(hook: (request: SetStatusRequest) => void): void;
  /** Answer the next `times` writes 200 without changing anything (a write that did not land); they are counted in `ignoredWrites`. */
  ignoreNextWrites(times: number): void;
  ignoredWrites: number;
  /** Removes the connection's etag, as most provider types never return one; its writes keep none either. */
  dropEtag(connectionId: string): void;
  /** Adds a Pending connection and returns it. */
  addConnection(target: string, name: string, endpointId: string, description?: string, status?: string): ArmConnection;
}

let etagCounter = 0;
const nextEtag = (): string => `W/"${++etagCounter}"`;

export function connectionStatus(connection: ArmConnection | undefined): string | undefined {
  return connection?.properties?.privateLinkServiceConnectionState?.status;
}

export function createFakeArm(): FakeArm {
  const connections = new Map<string, ArmConnection[]>();
  const endpoints = new Map<string, Record<string, unknown>>();
  const networkInterfaces = new Map<string, Record<string, unknown>>();
  const tenants = new Map<string, string>();
  const writes: FakeArm['writes'] = [];
  const calls: FakeArm['calls'] = [];
  const failures: { op: FakeOperation; error: Error; times: number }[] = [];
  let writeHook: ((request: SetStatusRequest) => void) | undefined;
  let ignoreWrites = 0;

  const maybeFail = (op: FakeOperation, id: string): void => {
    calls.push({ op, id });
    const failure = failures.find((f) => f.op === op && f.times > 0);
    if (failure !== undefined) {
      failure.times--;
      throw failure.error;
    }
  };
  const find = (connectionId: string): { list: ArmConnection[]; index: number } | undefined => {
    const target = targetOfConnectionId(connectionId);
    if (!target.ok) return undefined;
    const list = connections.get(target.id.key) ?? [];
    const index = list.findIndex((c) => c.id.toLowerCase() === connectionId.toLowerCase());
    return index < 0 ? undefined : { list, index };
  };
  const clone = (c: ArmConnection): ArmConnection => structuredClone(c);

  return {
    connections,
    endpoints,
    networkInterfaces,
    tenants,
    writes,
    calls,
    failNext(op, error, times = 1) {
      failures.push({ op, error, times });
    },
    beforeNextWrite(hook) {
      writeHook = hook;
    },
    ignoreNextWrites(times) {
      ignoreWrites += times;
    },
    ignoredWrites: 0,
    dropEtag(connectionId) {
      const found = find(connectionId);
      if (found !== undefined) delete (found.list[found.index] as ArmConnection).etag;
    },
    addConnection(target, name, endpointId, description = '', status = 'Pending') {
      const connection: ArmConnection = {
        id: `${target}/privateEndpointConnections/${name}`,
        name,
        etag: nextEtag(),
        properties: {
          privateEndpoint: { id: endpointId },
          privateLinkServiceConnectionState: { status, description, actionsRequired: 'None' },
          provisioningState: 'Succeeded',
        },
      };
      const key = target.toLowerCase();
      connections.set(key, [...(connections.get(key) ?? []), connection]);
      return clone(connection);
    },
    async listConnections(targetId) {
      maybeFail('list', targetId);
      return (connections.get(targetId.toLowerCase()) ?? []).map(clone);
    },
    async getConnection(connectionId) {
      maybeFail('get', connectionId);
      const found = find(connectionId);
      return found === undefined ? undefined : clone(found.list[found.index] as ArmConnection);
    },
    async getPrivateEndpoint(id): Promise<EndpointRead> {
      maybeFail('endpoint', id);
      const endpoint = endpoints.get(id.toLowerCase());
      return endpoint === undefined ? { readable: false, httpStatus: 403, reason: 'AuthorizationFailed' } : { readable: true, endpoint: structuredClone(endpoint) };
    },
    async getNetworkInterface(id): Promise<NetworkInterfaceRead> {
      maybeFail('nic', id);
      const nic = networkInterfaces.get(id.toLowerCase());
      return nic === undefined ? { readable: false, httpStatus: 403, reason: 'AuthorizationFailed' } : { readable: true, networkInterface: structuredClone(nic) };
    },
    async setConnectionStatus(request): Promise<SetStatusResult> {
      maybeFail('write', request.connection.id);
      const hook = writeHook;
      writeHook = undefined;
      hook?.(request);
      const found = find(request.connection.id);
      if (found === undefined) throw new FakeArmError(404, 'connection not found');
      const current = found.list[found.index] as ArmConnection;
      if (current.etag !== request.connection.etag) throw new FakeArmError(412, 'etag mismatch');
      // ARM lets a provider revoke an Approved connection, but not approve a Rejected one (Cosmos DB and others).
      if (connectionStatus(current) === 'Rejected' && request.status === 'Approved') throw new FakeArmError(400, 'Approving rejected private endpoint connections is not supported');
      if (ignoreWrites > 0) {
        ignoreWrites--;
        this.ignoredWrites++;
        return { connection: clone(current), httpStatus: 200, outcome: { kind: 'not-landed', reason: 'ARM shows status Pending after the write', transient: false } };
      }
      const updated: ArmConnection = {
        ...current,
        ...(current.etag === undefined ? {} : { etag: nextEtag() }),
        properties: {
          ...current.properties,
          privateLinkServiceConnectionState: { status: request.status, description: request.description, actionsRequired: 'None' },
        },
      };
      found.list[found.index] = updated;
      writes.push({ connectionId: current.id, status: request.status, etag: request.connection.etag });
      return { connection: clone(updated), httpStatus: 200, armRequestId: `req-${writes.length}`, outcome: { kind: 'succeeded' } };
    },
    async homeTenantOf(subscriptionId) {
      maybeFail('tenant', subscriptionId);
      return tenants.get(subscriptionId.toLowerCase());
    },
    async *queryResourceGraph(request: ResourceGraphRequest) {
      maybeFail('graph', request.query);
      for (const [target, list] of connections) {
        yield { id: target, type: '', subscriptionId: target.split('/')[2], privateEndpointConnections: list.map(clone) };
      }
    },
    async close() {},
  };
}
