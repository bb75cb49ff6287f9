/** The emulator's request log and the counters tests assert on (requests, statuses, throttles, faults, writes). */
import type { EmulatedOperation, Fault } from './fault-rules.js';
import type { EmulatedStatus } from './world-types.js';

export interface RequestLogEntry {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  query: string;
  operation: EmulatedOperation;
  status: number;
  /** ISO time from the emulator's clock. */
  time: string;
  apiVersion?: string;
  ifMatch?: string;
  /** Parsed JSON body of PUT/POST requests, to assert request shapes. */
  body?: unknown;
  fault?: Fault['kind'];
  requestId: string;
}

export interface WriteRecord {
  connectionId: string;
  from: EmulatedStatus;
  to: EmulatedStatus;
}

export interface EmulatorStats {
  requests: number;
  byOperation: Partial<Record<EmulatedOperation, number>>;
  byStatus: Record<string, number>;
  /** 429s from the token buckets (not from faults). */
  throttled: number;
  faultsInjected: number;
  /** Successful state-changing writes (PUT of a connection, AOSM approve/remove per endpoint). */
  writes: number;
  /** Lower-case connection ID → successful writes: assert exactly-once with it. */
  writesByConnection: Record<string, number>;
  /** Writes to a connection that was not Pending (ARM allows them; linkgate should not make them by accident). */
  nonPendingWrites: WriteRecord[];
  preconditionFailed: number;
  /** Writes refused as ARM refuses them (approving a Rejected connection, touching a Disconnected one). */
  refusedTransitions: number;
}

export class RequestLog {
  /** Oldest first; live, so tests can read it while the emulator runs. */
  readonly requests: RequestLogEntry[] = [];
  /** Mutable counters: the handlers bump the ones they own (throttled, faultsInjected, writes…). */
  readonly stats: EmulatorStats = {
    requests: 0,
    byOperation: {},
    byStatus: {},
    throttled: 0,
    faultsInjected: 0,
    writes: 0,
    writesByConnection: {},
    nonPendingWrites: [],
    preconditionFailed: 0,
    refusedTransitions: 0,
  };

  /** Keeps at most `maxEntries`, dropping the oldest. */
  constructor(private readonly maxEntries: number) {}

  add(entry: RequestLogEntry): void {
    const stats = this.stats;
    stats.requests++;
    stats.byOperation[entry.operation] = (stats.byOperation[entry.operation] ?? 0) + 1;
    stats.byStatus[String(entry.status)] = (stats.byStatus[String(entry.status)] ?? 0) + 1;
    this.requests.push(entry);
    if (this.requests.length > this.maxEntries) this.requests.splice(0, this.requests.length - this.maxEntries);
  }
}
