/**
 * The admission bound for the Functions handler. The Functions host hands one event per
 * invocation (cardinality one) and runs as many invocations at once as it decides; each worker
 * process bounds the events it handles at once as `linkgate serve` does (LINKGATE_SERVE_MAX_EVENTS),
 * and an invocation beyond it fails at once, so Event Grid retries it later instead of it queueing
 * behind work it would wait minutes for. (The host reads each request itself, so the bound on
 * open deliveries, which protects `serve` from reading bodies it cannot handle, has no part here.)
 */
import { LinkgateError } from '../errors/linkgate-error.js';
import { createAdmission, type Admission, type AdmissionLimits } from './admission.js';

export class OverloadedError extends LinkgateError {
  override name = 'OverloadedError';
}

/** Runs `work` if the bound admits `events` more events, holding their share until it ends. */
export async function withAdmission<T>(admission: Admission, events: number, work: () => Promise<T>): Promise<T> {
  if (!admission.admitEvents(events)) {
    throw new OverloadedError(`overloaded: ${admission.inFlight.events} events already in flight in this worker; Event Grid will retry`, {
      code: 'Overloaded',
      transient: true,
      hint: 'add instances, or raise LINKGATE_SERVE_MAX_EVENTS if the worker has room',
    });
  }
  try {
    return await work();
  } finally {
    admission.releaseEvents(events);
  }
}

let shared: Admission | undefined;

/** One admission per worker process, from the first runtime's configuration. */
export function workerAdmission(limits: AdmissionLimits): Admission {
  shared ??= createAdmission(limits);
  return shared;
}
