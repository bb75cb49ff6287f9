/** Writes an approve/reject decision (PUT/PATCH with If-Match, or AOSM's POST actions), waits it out, and re-reads. */
import type { ArmConnection, SetStatusRequest, SetStatusResult } from './types.js';
import type { Reply, Send } from './send-request.js';
import type { CompleteLongRunning } from './poll-operation.js';
import type { ConnectionLister } from './list-connections.js';
import { parseConnection, parseEndpoint } from './parse-ids.js';

/** ARM descriptions are short; longer ones are refused by some providers. */
export const MAX_DESCRIPTION_LENGTH = 140;

export interface SetStatusContext {
  send: Send;
  completeLongRunning: CompleteLongRunning;
  readConnection: ConnectionLister['readConnection'];
  urlFor: (path: string, apiVersion: string) => URL;
}

export type SetConnectionStatus = (req: SetStatusRequest) => Promise<SetStatusResult>;

export function createStatusWriter(ctx: SetStatusContext): SetConnectionStatus {
  const { send, completeLongRunning, readConnection, urlFor } = ctx;
  return async function setConnectionStatus(req: SetStatusRequest): Promise<SetStatusResult> {
    if (req.status !== 'Approved' && req.status !== 'Rejected') throw new TypeError(`status must be Approved or Rejected, got ${String(req.status)}`);
    const connection = parseConnection(req.connection.id);
    const { entry } = connection;
    const description = String(req.description ?? '').slice(0, MAX_DESCRIPTION_LENGTH);
    let reply: Reply;
    if (entry.action === 'aosm-post') {
      const endpoint = parseEndpoint(req.connection.properties?.privateEndpoint?.id);
      const action = req.status === 'Approved' ? 'approveprivateendpoints' : 'removeprivateendpoints';
      reply = await send({
        method: 'POST',
        url: urlFor(`${connection.target.text}/${action}`, entry.apiVersion),
        kind: 'write',
        body: { manualPrivateEndPointConnections: [{ id: endpoint.text }] },
      });
    } else {
      const body = {
        properties: {
          ...(req.connection.properties?.privateEndpoint === undefined ? {} : { privateEndpoint: req.connection.properties.privateEndpoint }),
          privateLinkServiceConnectionState: { status: req.status, description, [entry.actionsRequiredField]: 'None' },
        },
      };
      const etag = req.connection.etag;
      reply = await send({
        method: entry.action === 'patch' ? 'PATCH' : 'PUT',
        url: urlFor(connection.id.text, entry.apiVersion),
        kind: 'write',
        body,
        ...(typeof etag === 'string' && etag.length > 0 ? { headers: { 'if-match': etag } } : {}),
      });
    }
    await completeLongRunning(reply, entry.apiVersion);
    const requestId = reply.headers['x-ms-request-id'];
    if (entry.action === 'aosm-post') {
      // AOSM keeps no per-endpoint state to re-read (its list holds pending and approved alike,
      // and a removed endpoint vanishes): the operation's success is the confirmation.
      const decided: ArmConnection = {
        ...req.connection,
        properties: { ...req.connection.properties, privateLinkServiceConnectionState: { status: req.status, description } },
      };
      return { connection: decided, httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };
    }
    const reread = await readConnection(connection);
    return { connection: reread, httpStatus: reply.status, ...(requestId === undefined ? {} : { armRequestId: requestId }) };
  };
}
