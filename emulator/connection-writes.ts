/** Connection writes as ARM takes them: PUT/PATCH of a connection and AOSM's endpoint actions, with If-Match, refused transitions and etags. */
import { armError, isRecord, type Answer } from './arm-answer.js';
import type { AsyncOperations } from './async-operations.js';
import type { EmulatorStats } from './request-log.js';
import type { SettlingConnections } from './settling-connections.js';
import { behaviourOf } from './type-behaviour.js';
import { etagFor, type EmulatedConnection, type EmulatedStatus, type ProviderResource } from './world-types.js';

const COSMOS_REJECTED_MESSAGE = 'Approving rejected private endpoint connections is not supported';

export type AosmAction = 'listprivateendpoints' | 'approveprivateendpoints' | 'removeprivateendpoints';

export function findConnection(provider: ProviderResource, name: string): EmulatedConnection | undefined {
  const lower = name.toLowerCase();
  return provider.connections.find((c) => c.name.toLowerCase() === lower);
}

/** The lower-case connection ID: the key of stats.writesByConnection and of in-flight operations. */
export function connectionKey(provider: ProviderResource, connection: EmulatedConnection): string {
  return `${provider.id}/privateendpointconnections/${connection.name}`.toLowerCase();
}

export interface SettlingOptions {
  settling: SettlingConnections;
  /** Reads of the connection that show a transitional status or provisioningState after a write. */
  transitionalReads: number;
  /** Reads of a Key Vault connection that show `Updating` at the URL handed out to poll. */
  asyncPolls: number;
  /** Retry-After (seconds) on the Key Vault answer. */
  pollRetryAfterSeconds: number;
  /** The emulator's own URL, known only once it listens. */
  baseUrl: () => string;
}

export class ConnectionWrites {
  private etagVersion = 0;

  constructor(
    private readonly stats: EmulatorStats,
    private readonly operations: AsyncOperations,
    /** A connection as the emulator answers it now (provisioningState 'Updating' while an operation runs). */
    private readonly armConnection: (provider: ProviderResource, connection: EmulatedConnection) => Record<string, unknown>,
    private readonly settle: SettlingOptions,
  ) {}

  /** The answer to a write that has been recorded, in the type's long-running style (type-behaviour.ts). */
  private answer(provider: ProviderResource, connection: EmulatedConnection, key: string, to: EmulatedStatus, apiVersion: string): Answer {
    const behaviour = behaviourOf(provider);
    const shown = behaviour.transitional[to as 'Approved' | 'Rejected'];
    if (shown !== undefined) this.settle.settling.start(key, { status: shown }, this.settle.transitionalReads);
    if (behaviour.settlingProvisioning !== undefined) this.settle.settling.start(key, { provisioningState: behaviour.settlingProvisioning }, this.settle.transitionalReads);
    const write = behaviour.write;
    switch (write.kind) {
      case 'synchronous':
        return { status: 200, body: this.armConnection(provider, connection) };
      case 'connection-url': {
        this.settle.settling.start(key, { provisioningState: 'Updating' }, this.settle.asyncPolls);
        const url = `${this.settle.baseUrl()}${provider.id}/privateEndpointConnections/${connection.name}?api-version=${apiVersion}`;
        return { status: 200, body: this.armConnection(provider, connection), headers: { 'azure-asyncoperation': url, 'retry-after': String(this.settle.pollRetryAfterSeconds) } };
      }
      case 'location-status': {
        const headers = this.operations.start(provider, apiVersion, [key], undefined, 'location-status');
        return { status: 202, headers };
      }
      case 'async-operation': {
        const headers = this.operations.start(provider, apiVersion, [key], () => this.armConnection(provider, connection), write.location ? 'both' : 'async-operation');
        return write.body ? { status: write.status, body: this.armConnection(provider, connection), headers } : { status: write.status, headers };
      }
    }
  }

  putConnection(provider: ProviderResource, name: string, body: unknown, ifMatch: string | undefined, apiVersion: string): Answer {
    const connection = findConnection(provider, name);
    if (connection === undefined) return armError(404, 'ResourceNotFound', `Private endpoint connection '${name}' of '${provider.id}' was not found.`);
    const state = isRecord(body) && isRecord(body['properties']) ? body['properties']['privateLinkServiceConnectionState'] : undefined;
    const to = isRecord(state) ? state['status'] : undefined;
    if (!isRecord(state) || (to !== 'Approved' && to !== 'Rejected')) {
      return armError(400, 'InvalidRequestContent', "properties.privateLinkServiceConnectionState.status must be 'Approved' or 'Rejected'.");
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== connection.etag) {
      this.stats.preconditionFailed++;
      return armError(412, 'PreconditionFailed', `The condition specified using HTTP conditional header(s) is not met: etag '${connection.etag}' does not match If-Match '${ifMatch}'.`);
    }
    const refused = this.refuse(connection, to);
    if (refused !== undefined) return refused;
    const description = typeof state['description'] === 'string' ? state['description'] : '';
    const actions = state['actionsRequired'] ?? state['actionRequired'];
    const key = this.recordWrite(provider, connection, to, description, typeof actions === 'string' ? actions : 'None');
    return this.answer(provider, connection, key, to, apiVersion);
  }

  aosmAction(provider: ProviderResource, action: AosmAction, body: unknown, apiVersion: string): Answer {
    const live = provider.connections.filter((c) => c.status === 'Pending' || c.status === 'Approved');
    if (action === 'listprivateendpoints') {
      return { status: 200, body: { value: [{ manualPrivateEndPointConnections: live.map((c) => ({ id: c.privateEndpointId })) }] } };
    }
    const list = isRecord(body) ? body['manualPrivateEndPointConnections'] : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      return armError(400, 'InvalidRequestContent', 'manualPrivateEndPointConnections must be a non-empty array of {"id": "<private endpoint ID>"}.');
    }
    // The published example sends bare ID strings, the schema {id}: accept both.
    const ids = list.map((entry) => (typeof entry === 'string' ? entry : isRecord(entry) && typeof entry['id'] === 'string' ? entry['id'] : ''));
    const targets: EmulatedConnection[] = [];
    for (const id of ids) {
      const connection = provider.connections.find((c) => c.privateEndpointId.toLowerCase() === id.toLowerCase());
      if (connection === undefined) return armError(400, 'BadRequest', `Private endpoint '${id}' is not connected to artifact store '${provider.id}'.`);
      targets.push(connection);
    }
    const to: EmulatedStatus = action === 'approveprivateendpoints' ? 'Approved' : 'Rejected';
    for (const connection of targets) {
      const refused = this.refuse(connection, to);
      if (refused !== undefined) return refused;
    }
    const description = to === 'Approved' ? 'Approved' : 'Removed';
    const keys = targets.map((connection) => this.recordWrite(provider, connection, to, description, 'None'));
    // AOSM polls through Location at an operation-status resource (DESIGN §9); asyncWrites false keeps a plain 200.
    if (provider.asyncWrites === false) return { status: 200 };
    return { status: 202, headers: this.operations.start(provider, apiVersion, keys, undefined, provider.asyncWrites === true ? 'both' : 'location-status') };
  }

  private recordWrite(provider: ProviderResource, connection: EmulatedConnection, to: EmulatedStatus, description: string, actionsRequired: string): string {
    const key = connectionKey(provider, connection);
    if (connection.status !== 'Pending') this.stats.nonPendingWrites.push({ connectionId: `${provider.id}/privateEndpointConnections/${connection.name}`, from: connection.status, to });
    connection.status = to;
    connection.description = description;
    connection.actionsRequired = actionsRequired;
    connection.etag = etagFor(`${key}#${++this.etagVersion}`);
    this.stats.writes++;
    this.stats.writesByConnection[key] = (this.stats.writesByConnection[key] ?? 0) + 1;
    return key;
  }

  /** ARM refuses these transitions; undefined when the write may go ahead. */
  private refuse(connection: EmulatedConnection, to: EmulatedStatus): Answer | undefined {
    if (connection.status === 'Disconnected') {
      this.stats.refusedTransitions++;
      return armError(400, 'PrivateEndpointConnectionStatusNotPending', `Private endpoint connection '${connection.name}' is Disconnected and cannot be changed.`);
    }
    if (connection.status === 'Rejected' && to === 'Approved') {
      this.stats.refusedTransitions++;
      return armError(400, 'BadRequest', COSMOS_REJECTED_MESSAGE);
    }
    return undefined;
  }
}
