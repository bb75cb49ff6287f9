/** Virtual time for pacing, retries and polling: nothing in a test waits on the wall clock. */
export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every delay asked for (backoff, Retry-After, polling, pacing), in order. */
  sleeps: number[];
}

/** A clock that moves only when someone sleeps (by what was asked, returning at once) or a test advances it. */
export function steppingClock(start = 0): VirtualClock & { advance(ms: number): void } {
  let clock = start;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      clock += ms;
    },
    sleeps,
  };
}
