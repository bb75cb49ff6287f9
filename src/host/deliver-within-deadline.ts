/**
 * The answer deadline of one delivery, for both hosts: `linkgate serve` answers 503 at it
 * (webhook-server.ts), the Functions handler fails its invocation at it (functions/connection-events.ts);
 * either way Event Grid redelivers, well before its own 30 s timeout would make it retry while the
 * first attempt is still at work. Only the answer is cut short, never the work: past the deadline
 * the work's signal is aborted so it starts nothing new (arm-with-deadline.ts), while decisions it
 * has claimed are still written and recorded, and the host waits for it before it closes the audit
 * store (`track`, `settled`). A started write is thus never left without its record.
 */
import { LinkgateError } from '../errors/linkgate-error.js';

export class DeliveryDeadlineError extends LinkgateError {
  override name = 'DeliveryDeadlineError';
}

/** Transient: the redelivery does what this delivery did not finish or start. */
export function deliveryDeadlineError(message: string): DeliveryDeadlineError {
  return new DeliveryDeadlineError(message, {
    code: 'DeliveryDeadline',
    transient: true,
    hint: 'Event Grid redelivers the event; raise LINKGATE_SERVE_DEADLINE_MS only if deliveries routinely need longer (Event Grid waits 30 s)',
  });
}

/** Starts the deadline; returns what cancels it. Tests pass one they fire themselves. */
export interface DeadlineTimer {
  start(ms: number, fire: () => void): () => void;
}

export const systemDeadlineTimer: DeadlineTimer = {
  start(ms, fire) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

export type DeadlineOutcome<T> = { kind: 'finished'; result: T } | { kind: 'failed'; error: unknown } | { kind: 'late' };

export interface DeadlineRun<T> {
  /** What to answer: the work's result or error if it ended in time, `late` if the deadline came first. */
  outcome: Promise<DeadlineOutcome<T>>;
  /** Settles (never rejects) when the work has really ended, answered in time or not. */
  settled: Promise<void>;
}

/** Runs `work`, answering by `deadlineMs`; at the deadline its signal is aborted and it runs on. */
export function runWithDeadline<T>(work: (signal: AbortSignal) => Promise<T>, deadlineMs: number, timer: DeadlineTimer = systemDeadlineTimer): DeadlineRun<T> {
  const controller = new AbortController();
  // A synchronous throw is a failure like any other.
  const running = new Promise<T>((resolve) => resolve(work(controller.signal)));
  let cancel: () => void = () => undefined;
  const late = new Promise<DeadlineOutcome<T>>((resolve) => {
    cancel = timer.start(deadlineMs, () => {
      controller.abort();
      resolve({ kind: 'late' });
    });
  });
  const ended = running.then(
    (result): DeadlineOutcome<T> => ({ kind: 'finished', result }),
    (error: unknown): DeadlineOutcome<T> => ({ kind: 'failed', error }),
  );
  const outcome = Promise.race([ended, late]).finally(() => cancel());
  return { outcome, settled: ended.then(() => undefined) };
}

/** What a delivery answered at its deadline fails with; the redelivery finds what finished. */
export function lateDeliveryError(deadlineMs: number): DeliveryDeadlineError {
  return deliveryDeadlineError(`not finished within ${deadlineMs} ms; decisions under way are still carried out and recorded, a redelivery finds them`);
}

/** Work a host must wait for before it closes what the work records into. */
export interface UnfinishedWork {
  track(work: Promise<unknown>): void;
  /** Resolves once everything tracked, and anything tracked meanwhile, has ended. */
  settled(): Promise<void>;
  readonly size: number;
}

export function unfinishedWork(): UnfinishedWork {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      const tracked: Promise<unknown> = work.then(
        () => running.delete(tracked),
        () => running.delete(tracked),
      );
      running.add(tracked);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get size() {
      return running.size;
    },
  };
}
