/**
 * Admission control (issue 11 Build 5). Overload is refused, not absorbed: before, 100 concurrent
 * 1 MB deliveries were each answered after ~186 s, far past Event Grid's 30 s, so each would be
 * retried while still being worked on. Now a delivery is let in only while the work in flight
 * stays under two bounds, and anything beyond is answered 503 with Retry-After at once (Event
 * Grid retries with back-off):
 *
 * - deliveries open at once (bodies being read or batches being handled), checked before the body
 *   is read, so a flood costs no parsing;
 * - events being handled at once, checked once the batch is parsed. A batch larger than the
 *   whole bound is still let in when nothing else is in flight, or it could never be handled.
 *
 * A delivery let in keeps its share until its work has really finished, even when it was answered
 * 503 at the deadline (deliver-within-deadline.ts): work still running is still load.
 */
export interface AdmissionLimits {
  /** Events handled at once (LINKGATE_SERVE_MAX_EVENTS). */
  maxEvents: number;
  /** Deliveries open at once (LINKGATE_SERVE_MAX_DELIVERIES). */
  maxDeliveries: number;
}

export interface Admission {
  /** Takes a delivery slot, or returns false when all are taken. */
  enterDelivery(): boolean;
  leaveDelivery(): void;
  /** Takes `count` event slots, or returns false when they would exceed the bound. */
  admitEvents(count: number): boolean;
  releaseEvents(count: number): void;
  readonly inFlight: { deliveries: number; events: number };
}

export function createAdmission(limits: AdmissionLimits): Admission {
  let deliveries = 0;
  let events = 0;
  return {
    enterDelivery() {
      if (deliveries >= limits.maxDeliveries) return false;
      deliveries++;
      return true;
    },
    leaveDelivery() {
      deliveries = Math.max(0, deliveries - 1);
    },
    admitEvents(count) {
      if (events > 0 && events + count > limits.maxEvents) return false;
      events += count;
      return true;
    },
    releaseEvents(count) {
      events = Math.max(0, events - count);
    },
    get inFlight() {
      return { deliveries, events };
    },
  };
}

/** Seconds Event Grid is asked to wait before retrying a refused delivery. */
export const RETRY_AFTER_SECONDS = 10;
