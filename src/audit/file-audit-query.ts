/**
 * Listing the JSON Lines audit file (and its rolled segments) newest first in bounded memory,
 * whatever its size: lines are read backwards from the tail a chunk at a time.
 *
 * The last line of a record wins, and a record takes its place in the listing at its first line.
 * Going backwards, the first line met for a record is therefore its newest version; if it is a
 * later line (`rev` > 0), that version waits in `open` until the record's first line comes by.
 * `open` holds only records whose lines straddle the reading position (claims still being
 * written, or completed later), never every id seen. Records are then ordered by time through a
 * heap of at most REORDER_WINDOW records: exact as long as a record is written within that many
 * records of its time, which the writer guarantees (it stamps the time as it writes).
 */
import type { Logger } from '../log/create-logger.js';
import { parseAuditLine } from './audit-file-lines.js';
import { listSegments } from './audit-file-segments.js';
import { recordMatchesQuery } from './record-matches-query.js';
import { linesBackward } from './read-lines.js';
import type { AuditQuery, AuditRecord } from './types.js';

const REORDER_WINDOW = 4096;
/** Unreadable lines reported one by one before only their count is. */
const REPORTED_LINES = 20;

interface Ranked {
  record: AuditRecord;
  ms: number;
  /** How far back its first line is: a smaller rank is later in the file, so newer among equal times. */
  rank: number;
}

/** a before b in the listing. */
const newer = (a: Ranked, b: Ranked): boolean => a.ms > b.ms || (a.ms === b.ms && a.rank < b.rank);

/** A binary max-heap on `newer`. */
class NewestFirst {
  private readonly items: Ranked[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: Ranked): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!newer(items[i] as Ranked, items[parent] as Ranked)) break;
      const swap = items[i] as Ranked;
      items[i] = items[parent] as Ranked;
      items[parent] = swap;
      i = parent;
    }
  }
  pop(): Ranked | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && newer(items[l] as Ranked, items[best] as Ranked)) best = l;
        if (r < items.length && newer(items[r] as Ranked, items[best] as Ranked)) best = r;
        if (best === i) break;
        const swap = items[i] as Ranked;
        items[i] = items[best] as Ranked;
        items[best] = swap;
        i = best;
      }
    }
    return top;
  }
}

/** A line written before `rev` existed that completes a claim: the claim's own line comes earlier. */
function continuesEarlierLine(record: AuditRecord, rev: number): boolean {
  return rev > 0 || (record.leaseUntil !== undefined && record.action.status !== 'pending');
}

export interface QueryFilesOptions {
  logger: Logger;
  /** Read the live file only up to here (the writer's last complete line), so a listing is a snapshot. */
  liveEnd?: number;
}

export async function* queryAuditFiles(file: string, filter: AuditQuery, options: QueryFilesOptions): AsyncGenerator<AuditRecord> {
  if (filter.limit !== undefined && filter.limit <= 0) return;
  const segments = (await listSegments(file)).reverse();
  const open = new Map<string, AuditRecord>();
  const heap = new NewestFirst();
  let rank = 0;
  let emitted = 0;
  let unreadable = 0;

  const consider = (record: AuditRecord): void => {
    rank++;
    if (recordMatchesQuery(record, filter)) heap.push({ record, ms: Date.parse(record.time), rank });
  };
  const ready = function* (all: boolean): Generator<AuditRecord> {
    while (heap.size > (all ? 0 : REORDER_WINDOW)) {
      if (filter.limit !== undefined && emitted >= filter.limit) return;
      const next = heap.pop() as Ranked;
      emitted++;
      yield next.record;
    }
  };

  for (const segment of segments) {
    for await (const line of linesBackward(segment.path, segment.number === 0 ? options.liveEnd : undefined)) {
      if (line.text.trim() === '') continue;
      const parsed = parseAuditLine(line.text);
      if ('problem' in parsed) {
        unreadable++;
        if (unreadable <= REPORTED_LINES) {
          options.logger.warn({ file: segment.path, offset: line.offset, torn: !line.terminated, problem: parsed.problem }, line.terminated ? 'skipping a line of the audit file that is not a record' : 'skipping a torn last line in the audit file (interrupted write)');
        }
        continue;
      }
      const { record, rev } = parsed;
      const newest = open.get(record.id);
      if (newest !== undefined) {
        // An older version: its first line places the newest one.
        if (!continuesEarlierLine(record, rev)) {
          open.delete(record.id);
          consider(newest);
        }
      } else if (continuesEarlierLine(record, rev)) {
        open.set(record.id, record);
      } else {
        consider(record);
      }
      if (heap.size > REORDER_WINDOW) yield* ready(false);
      if (filter.limit !== undefined && emitted >= filter.limit) return;
    }
  }
  // Records whose first line is gone (a rolled segment deleted by hand) still list.
  for (const record of open.values()) consider(record);
  if (unreadable > REPORTED_LINES) options.logger.warn({ file, unreadable }, `skipped ${unreadable} lines of the audit files that are not records`);
  yield* ready(true);
}
