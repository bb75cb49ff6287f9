/**
 * The live connections of governed targets, as `evaluate` input cases (DESIGN §3): found through
 * the sweep's discovery (Resource Graph over the configured scopes, plus targets listed in
 * settings), each target's connections read from ARM itself (the graph may lag), with the
 * consumer's endpoint, the target's connections and the consumer's home tenant, so a policy set
 * other than today's can be evaluated on them offline (`linkgate plan` in CI without Azure access).
 */
import { readConsumerFacts, type ConsumerReadCaches } from '../arm/read-consumer-facts.js';
import type { ArmClient, ArmConnection } from '../arm/types.js';
import type { SweepScope } from '../config/read-config.js';
import { subscriptionOf } from '../ids/arm-id.js';
import type { EvaluationCase } from '../policy/types.js';
import { createInvocationCaches } from '../pipeline/invocation-caches.js';
import { findSweepTargets } from '../sweep/find-sweep-targets.js';

export interface LiveReadOptions {
  scopes: SweepScope[];
  extraTargets: string[];
  /** Which targets to read (an ArmId key): those some policy governs. */
  governs: (targetKey: string) => boolean;
  /** Called once discovery is done, before the first case. */
  onDiscovered?: (found: { targets: number; skipped: number; invalid: string[] }) => void;
  /** Called once per target read, for progress. */
  onTarget?: (done: number, total: number) => void;
}

/** Everything any policy set could need, read once: a plan compares two sets, so the current one's needs are not enough. */
const ALL_FACTS = { endpoint: true, ipAddresses: true, requestMessage: true } as const;

async function caseFor(arm: ArmClient, caches: ConsumerReadCaches, target: string, connection: ArmConnection, siblings: ArmConnection[], tenants: Map<string, Promise<string | undefined>>): Promise<EvaluationCase> {
  const evaluationCase: EvaluationCase = { connection, targetConnections: siblings };
  // The endpoint with its network interfaces' IPs expanded in place, as the pipeline decides on it.
  const { endpoint } = await readConsumerFacts(arm, caches, connection, target, ALL_FACTS);
  if (endpoint?.readable === true) evaluationCase.privateEndpoint = endpoint.endpoint;
  else if (endpoint !== undefined) evaluationCase.privateEndpointUnavailable = `private endpoint not readable (HTTP ${endpoint.httpStatus}: ${endpoint.reason})`;
  const subscription = subscriptionOf(connection.properties?.privateEndpoint?.id);
  if (subscription !== undefined) {
    if (!tenants.has(subscription)) tenants.set(subscription, arm.homeTenantOf(subscription));
    const tenant = await tenants.get(subscription);
    if (tenant !== undefined) evaluationCase.consumerTenantId = tenant;
  }
  return evaluationCase;
}

export async function* readLiveConnections(arm: ArmClient, options: LiveReadOptions): AsyncGenerator<EvaluationCase> {
  const found = await findSweepTargets(arm, options.scopes, options.extraTargets, options.governs);
  options.onDiscovered?.({ targets: found.targets.length, skipped: found.skipped, invalid: found.invalid });
  const tenants = new Map<string, Promise<string | undefined>>();
  const caches = createInvocationCaches();
  let done = 0;
  for (const { target } of found.targets) {
    const connections = await arm.listConnections(target.text);
    for (const connection of connections) yield await caseFor(arm, caches, target.text, connection, connections, tenants);
    options.onTarget?.(++done, found.targets.length);
  }
}
