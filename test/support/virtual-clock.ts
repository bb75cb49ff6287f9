/** Virtual time for pacing, retries and polling: nothing in a test waits on the wall clock. */
export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every delay asked for (backoff, Retry-After, polling, pacing), in order. */
  sleeps: number[];
}

/** A clock that moves only when someone sleeps (by what was asked, returning at once) or a test advances it. */
export function steppingClock(start = 0): VirtualClock & { advance(ms: number): void } {
  return recordingClock(start, true);
}

/** Sleeps recorded and answered at once; time moves by the sleep (stepping) or only by `advance` (manual). */
function recordingClock(start: number, sleepMovesTime: boolean): VirtualClock & { advance(ms: number): void } {
  let clock = start;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      if (sleepMovesTime) clock += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      clock += Math.max(0, ms);
    },
    sleeps,
  };
}

/**
 * Virtual time for many concurrent sleepers (a paced fleet of requests): each sleeper wakes at the
 * time it fell asleep plus what it asked for, sleepers wake in that order, and time jumps forward to
 * each wake (never back). Unlike `steppingClock`, sixteen sleepers asking for 100 ms at once move
 * time by 100 ms, not 1.6 s, so a pacing test proves the pacing, not an over-generous clock.
 */
export function wakeOrderClock(start = 0): VirtualClock {
  let clock = start;
  const sleeps: number[] = [];
  const sleepers: { wake: number; resolve: () => void }[] = [];
  let draining = false;

  // One sleeper per macrotask, earliest wake first, so requests its wake released run before time moves on.
  const wakeNext = (): void => {
    sleepers.sort((a, b) => a.wake - b.wake);
    const next = sleepers.shift();
    if (next === undefined) {
      draining = false;
      return;
    }
    clock = Math.max(clock, next.wake);
    next.resolve();
    setImmediate(wakeNext);
  };

  return {
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => {
        sleepers.push({ wake: clock + Math.max(0, ms), resolve });
        if (!draining) {
          draining = true;
          setImmediate(wakeNext);
        }
      });
    },
    sleeps,
  };
}

/**
 * A clock only the test moves (`advance`); sleeps are recorded and return at once without moving
 * it. For concurrent workers that share leases: a sleeper moving shared time could expire another
 * worker's lease while its write is still on its way, so time passes only where the test has seen
 * that nothing is in flight (the fault matrix, between rounds of redelivery).
 */
export function manualClock(start = 0): VirtualClock & { advance(ms: number): void } {
  return recordingClock(start, false);
}
