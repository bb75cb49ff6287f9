/** Connection writes as ARM takes them: PUT/PATCH of a connection and AOSM's endpoint actions, with If-Match, refused transitions and etags. */
import { armError, isRecord, type Answer } from './arm-answer.js';
import type { AsyncOperations } from './async-operations.js';
import type { EmulatorStats } from './request-log.js';
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

export class ConnectionWrites {
  private etagVersion = 0;

  constructor(
    private readonly stats: EmulatorStats,
    private readonly operations: AsyncOperations,
    /** A connection as the emulator answers it now (provisioningState 'Updating' while an operation runs). */
    private readonly armConnection: (provider: ProviderResource, connection: EmulatedConnection) => Record<string, unknown>,
  ) {}

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
    if (provider.asyncWrites === true) {
      const headers = this.operations.start(provider, apiVersion, [key], () => this.armConnection(provider, connection));
      return { status: 202, body: this.armConnection(provider, connection), headers };
    }
    return { status: 200, body: this.armConnection(provider, connection) };
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
    if (provider.asyncWrites === true) return { status: 202, headers: this.operations.start(provider, apiVersion, keys, undefined) };
    return { status: 200 };
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
