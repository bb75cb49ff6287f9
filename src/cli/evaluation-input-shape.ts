/**
 * The shape of one evaluation input (an evaluate line, explain's files) checked before deciding:
 * a connection that is not an object would otherwise be decided "ignore", which reads as "not
 * governed" when it is really bad input.
 */
import { isGuid } from '../ids/guid.js';
import { isRecord } from '../util/is-record.js';

/** What is wrong with the input, or undefined when its shape is right. */
export function evaluationInputShapeError(input: Record<string, unknown>): string | undefined {
  if (!isRecord(input['connection'])) return '"connection" must be a JSON object (a privateEndpointConnection as ARM returns it)';
  if (input['privateEndpoint'] !== undefined && !isRecord(input['privateEndpoint'])) return '"privateEndpoint" must be a JSON object (the private endpoint as ARM returns it)';
  if (input['targetConnections'] !== undefined && !Array.isArray(input['targetConnections'])) return '"targetConnections" must be an array of connections';
  if (input['consumerTenantId'] !== undefined && !isGuid(input['consumerTenantId'])) return '"consumerTenantId" must be a tenant ID (a GUID)';
  return undefined;
}
