import type { DeadlineTimer } from '../../src/host/deliver-within-deadline.js';

export interface StartedDeadline {
  ms: number;
  fire: () => void;
  cancelled: boolean;
}

/** A deadline timer that fires only when the test says so, so no test waits on a real deadline. */
export function manualDeadlineTimer(): DeadlineTimer & { started: StartedDeadline[] } {
  const started: StartedDeadline[] = [];
  return {
    started,
    start(ms, fire) {
      const entry: StartedDeadline = { ms, fire, cancelled: false };
      started.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
  };
}
