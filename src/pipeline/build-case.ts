/**
 * Building the case one connection is decided on: the consumer endpoint and the consumer
 * subscription's home tenant, read only when a policy governing the target needs them, and
 * shared through the invocation's caches.
 */
import type { ArmConnection, EndpointRead } from '../arm/types.js';
import type { ArmId } from '../ids/arm-id.js';
import { connectionFacts } from '../policy/connection-facts.js';
import type { EvaluationCase } from '../policy/types.js';
import type { ReconcileDeps } from './reconcile-deps.js';

export interface BuiltCase {
  evaluationCase: EvaluationCase;
  endpoint: EndpointRead | undefined;
}

async function readEndpoint(deps: ReconcileDeps, endpointId: string | undefined): Promise<EndpointRead | undefined> {
  if (endpointId === undefined) return undefined;
  return deps.caches.endpoint(endpointId, () => deps.arm.getPrivateEndpoint(endpointId));
}

export async function buildCase(target: ArmId, connection: ArmConnection, siblings: ArmConnection[], deps: ReconcileDeps): Promise<BuiltCase> {
  const needs = deps.policies.requirements(target.key);
  const facts = connectionFacts(connection);
  const endpoint = needs.endpoint ? await readEndpoint(deps, facts.privateEndpointId) : undefined;
  const subscription = facts.consumerSubscriptionId;
  const tenant =
    needs.tenant && subscription !== undefined
      ? await deps.caches.tenant(subscription, () => deps.arm.homeTenantOf(subscription))
      : undefined;
  const evaluationCase: EvaluationCase = { connection };
  if (endpoint?.readable === true) evaluationCase.privateEndpoint = endpoint.endpoint;
  else if (endpoint !== undefined) evaluationCase.privateEndpointUnavailable = `private endpoint not readable (HTTP ${endpoint.httpStatus}: ${endpoint.reason})`;
  else if (needs.endpoint) evaluationCase.privateEndpointUnavailable = 'the connection names no private endpoint';
  if (needs.targetConnections) evaluationCase.targetConnections = siblings;
  if (tenant !== undefined) evaluationCase.consumerTenantId = tenant;
  return { evaluationCase, endpoint };
}
