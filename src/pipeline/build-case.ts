/**
 * Building the case one connection is decided on: the consumer endpoint (and its network
 * interface, read-consumer-facts.ts) and the consumer subscription's home tenant, read only when
 * a policy governing the target needs them, and shared through the invocation's caches.
 */
import { consumerFactNeeds, readConsumerFacts, type ConsumerFacts } from '../arm/read-consumer-facts.js';
import type { ArmConnection, EndpointRead } from '../arm/types.js';
import type { ArmId } from '../ids/arm-id.js';
import { connectionFacts } from '../policy/connection-facts.js';
import type { EvaluationCase } from '../policy/types.js';
import type { ReconcileDeps } from './reconcile-deps.js';

export interface BuiltCase {
  evaluationCase: EvaluationCase;
  endpoint: EndpointRead | undefined;
  /** The consumer facts and where each came from, for the record. */
  consumer: ConsumerFacts;
}

export async function buildCase(target: ArmId, connection: ArmConnection, siblings: ArmConnection[], deps: ReconcileDeps): Promise<BuiltCase> {
  const needs = deps.policies.requirements(target.key);
  const facts = connectionFacts(connection);
  const consumer = await readConsumerFacts(deps.arm, deps.caches, connection, target.text, consumerFactNeeds(deps.policies.plan(target.key)));
  const endpoint = consumer.endpoint;
  const subscription = facts.consumerSubscriptionId;
  const tenant =
    needs.tenant && subscription !== undefined
      ? await deps.caches.tenant(subscription, () => deps.arm.homeTenantOf(subscription))
      : undefined;
  const evaluationCase: EvaluationCase = { connection };
  if (endpoint?.readable === true) evaluationCase.privateEndpoint = endpoint.endpoint;
  else if (endpoint !== undefined) evaluationCase.privateEndpointUnavailable = `private endpoint not readable (HTTP ${endpoint.httpStatus}: ${endpoint.reason})`;
  else if (needs.endpoint) evaluationCase.privateEndpointUnavailable = 'the connection names no private endpoint';
  if (consumer.ipAddressesUnavailable !== undefined) evaluationCase.ipAddressesUnavailable = consumer.ipAddressesUnavailable;
  if (needs.targetConnections) evaluationCase.targetConnections = siblings;
  if (tenant !== undefined) evaluationCase.consumerTenantId = tenant;
  return { evaluationCase, endpoint, consumer };
}
