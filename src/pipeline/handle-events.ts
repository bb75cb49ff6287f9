/**
 * One invocation: a batch of delivered events → the governed targets they hint at → reconcile
 * each target once (a batch often names the same target several times), with bounded concurrency.
 * Used by the Functions handler and by `linkgate serve` alike.
 */
import { randomUUID } from 'node:crypto';
import type { AuditTrigger } from '../audit/types.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import type { ArmId } from '../ids/arm-id.js';
import { mapEventToHint, targetsOfEndpointHint } from '../intake/map-event-to-targets.js';
import type { DeliveredEvent } from '../intake/parse-delivery.js';
import { errorSummary, isTransientError } from './classify-error.js';
import { createInvocationCaches } from './invocation-caches.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { reconcileTarget, type ReconcileDeps, type TargetOutcome } from './reconcile-target.js';

export interface PipelineDeps extends Omit<ReconcileDeps, 'caches'> {
  concurrency: number;
}

export interface InvocationOutcome {
  events: number;
  ignored: number;
  targets: TargetOutcome[];
  errors: string[];
  transient: boolean;
}

/** Thrown when some part of the batch failed transiently: the host answers 5xx / the Function fails, and Event Grid redelivers. */
export class RetryableInvocationError extends LinkgateError {
  override name = 'RetryableInvocationError';
  readonly outcome: InvocationOutcome;
  constructor(outcome: InvocationOutcome) {
    super(`${outcome.errors.length} transient failure(s); the delivery should be retried: ${outcome.errors.slice(0, 3).join('; ')}`, {
      code: 'RetryableInvocation',
      transient: true,
      hint: 'Event Grid redelivers with backoff; duplicates are harmless because every decision is claimed once in the audit store',
    });
    this.outcome = outcome;
  }
}

export function defaultReconcileClock(): Pick<ReconcileDeps, 'now' | 'newId'> {
  return { now: () => new Date(), newId: () => randomUUID() };
}

export async function handleEvents(events: DeliveredEvent[], deps: PipelineDeps): Promise<InvocationOutcome> {
  const caches = createInvocationCaches();
  const governs = (key: string): boolean => deps.policies.governs(key);
  const outcome: InvocationOutcome = { events: events.length, ignored: 0, targets: [], errors: [], transient: false };
  const work = new Map<string, { target: ArmId; trigger: AuditTrigger }>();
  const addTarget = (target: ArmId, event: DeliveredEvent): void => {
    if (!work.has(target.key)) work.set(target.key, { target, trigger: { type: 'event', eventId: event.id, eventType: event.type } });
  };

  const endpointHints: { endpoint: ArmId; namedTargets: ArmId[]; event: DeliveredEvent }[] = [];
  for (const event of events) {
    const hint = mapEventToHint(event, governs);
    const log = deps.logger.child({ eventId: event.id, eventType: event.type });
    if (hint.kind === 'target') {
      log.debug({ target: hint.target.text }, 'event names a governed target');
      addTarget(hint.target, event);
    } else if (hint.kind === 'endpoint') {
      endpointHints.push({ endpoint: hint.endpoint, namedTargets: hint.namedTargets, event });
    } else {
      outcome.ignored++;
      log.debug({ reason: hint.reason }, 'event ignored');
    }
  }

  // A consumer endpoint write names its targets only inside the endpoint: read it (once per endpoint).
  const endpointReads = await mapWithConcurrency(endpointHints, deps.concurrency, async ({ endpoint, namedTargets, event }) => {
    const read = await caches.endpoint(endpoint.text, () => deps.arm.getPrivateEndpoint(endpoint.text));
    if (!read.readable) {
      deps.logger.info({ eventId: event.id, endpoint: endpoint.text, httpStatus: read.httpStatus, namedTargets: namedTargets.length }, 'private endpoint not readable; using the targets the event names, the rest is left to the sweep');
    }
    for (const target of targetsOfEndpointHint(namedTargets, read, governs)) addTarget(target, event);
  });
  for (const read of endpointReads) {
    if (read.status === 'rejected') {
      outcome.errors.push(errorSummary(read.reason));
      outcome.transient ||= isTransientError(read.reason);
    }
  }

  const targets = [...work.values()];
  const results = await mapWithConcurrency(targets, deps.concurrency, ({ target, trigger }) =>
    reconcileTarget(target, trigger, { ...deps, caches }),
  );
  for (const result of results) {
    if (result.status === 'fulfilled') {
      outcome.targets.push(result.value);
      outcome.errors.push(...result.value.errors);
      const { released, stranded } = result.value.results;
      if (released + stranded > 0) {
        outcome.errors.push(`${result.value.target}: ${released} decision(s) released for a retry after a write that did not land, ${stranded} claimed and not finished; the delivery fails until a reconcile completes them`);
      }
      outcome.transient ||= result.value.transient;
    } else {
      outcome.errors.push(errorSummary(result.reason));
      outcome.transient ||= isTransientError(result.reason);
    }
  }
  return outcome;
}

/** handleEvents, failing the invocation when a retry could help. */
export async function handleEventsOrThrow(events: DeliveredEvent[], deps: PipelineDeps): Promise<InvocationOutcome> {
  const outcome = await handleEvents(events, deps);
  if (outcome.transient) throw new RetryableInvocationError(outcome);
  return outcome;
}
