/**
 * Pure views of audit records for `linkgate audit`: CSV (RFC 4180, safe to open in a spreadsheet),
 * JSON Lines, the short rows of the table view, and the query predicate both stores share.
 *
 * Records carry consumer-controlled text (request messages, resource names). CSV cells that a
 * spreadsheet would run as a formula are defused with a leading apostrophe (OWASP "CSV injection");
 * terminal escaping is the renderer's job (render-table.ts).
 */
import type { AuditQuery, AuditRecord, AuditTrigger } from './types.js';

export const CSV_COLUMNS = [
  'id',
  'time',
  'kind',
  'trigger',
  'target',
  'connectionId',
  'privateEndpointId',
  'consumerSubscriptionId',
  'consumerTenantId',
  'subnetId',
  'ipAddresses',
  'requestMessage',
  'previousStatus',
  'decision',
  'enforced',
  'policy',
  'reasons',
  'shadow',
  'policyRevision',
  'actionStatus',
  'httpStatus',
  'armRequestId',
  'error',
  'durationMs',
  'idempotencyKey',
  'leaseUntil',
] as const;

/** `event:<type>:<id>`, `sweep` or `cli`. */
export function describeTrigger(trigger: AuditTrigger): string {
  return trigger.kind === 'event' ? `event:${trigger.eventType}:${trigger.eventId}` : trigger.kind;
}

/** One CSV cell: formula prefixes defused, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string): string {
  // Tab and CR also start formulas in some spreadsheets.
  const defused = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
  return /[",\r\n]/u.test(defused) ? `"${defused.replace(/"/gu, '""')}"` : defused;
}

function csvValues(record: AuditRecord): Record<(typeof CSV_COLUMNS)[number], string> {
  const text = (value: string | number | boolean | null | undefined): string => (value === undefined || value === null ? '' : String(value));
  return {
    id: record.id,
    time: record.time,
    kind: record.kind ?? 'decision',
    trigger: describeTrigger(record.trigger),
    target: record.target,
    connectionId: record.connectionId,
    privateEndpointId: record.privateEndpointId,
    consumerSubscriptionId: record.consumerSubscriptionId,
    consumerTenantId: text(record.consumerTenantId),
    subnetId: text(record.subnetId),
    ipAddresses: (record.ipAddresses ?? []).join(' '),
    requestMessage: record.requestMessage,
    previousStatus: record.previousStatus,
    decision: record.decision,
    enforced: text(record.enforced),
    policy: text(record.policy),
    // Reasons are sentences that may hold ';' or ','; one per line keeps them readable in a cell.
    reasons: record.reasons.join('\n'),
    shadow: record.shadow.length === 0 ? '' : JSON.stringify(record.shadow),
    policyRevision: record.policyRevision,
    actionStatus: record.action.status,
    httpStatus: text(record.action.httpStatus),
    armRequestId: text(record.action.armRequestId),
    error: text(record.action.error),
    durationMs: text(record.durationMs),
    idempotencyKey: record.idempotencyKey,
    leaseUntil: text(record.leaseUntil),
  };
}

/** The header line, CRLF-terminated as RFC 4180 asks. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

/** One record as one CSV row (CRLF-terminated); line breaks inside cells stay inside quotes. */
export function recordToCsvRow(record: AuditRecord): string {
  const values = csvValues(record);
  return CSV_COLUMNS.map((column) => csvCell(values[column])).join(',') + '\r\n';
}

export function recordsToCsv(records: Iterable<AuditRecord>): string {
  let out = csvHeader();
  for (const record of records) out += recordToCsvRow(record);
  return out;
}

/** One record as one JSON Lines line. JSON.stringify escapes every line break inside strings. */
export function recordToJsonLine(record: AuditRecord): string {
  return JSON.stringify(record) + '\n';
}

export const SUMMARY_HEADERS = ['time', 'id', 'decision', 'enforced', 'action', 'policy', 'target', 'connection', 'consumer', 'reason'];

/** Last path segment of an ARM ID: enough to recognise a resource in a table. */
function lastSegment(id: string): string {
  const parts = id.split('/').filter((s) => s !== '');
  return parts[parts.length - 1] ?? id;
}

/** A short row for the `audit list` table (raw text: the renderer escapes it). */
export function summaryRow(record: AuditRecord): string[] {
  return [
    record.time.replace(/\.\d+Z$/u, 'Z'),
    record.id,
    record.kind === 'drift' ? `${record.decision} (drift)` : record.decision,
    record.enforced ? 'yes' : 'no',
    record.action.status,
    record.policy ?? '-',
    lastSegment(record.target),
    lastSegment(record.connectionId),
    record.consumerSubscriptionId,
    record.reasons[0] ?? '',
  ];
}

/**
 * ARM ID pattern match, case-insensitive: '*' matches within one path segment, a '**' segment
 * matches any number of segments (none included). A pattern without wildcards must match whole.
 */
export function matchesTargetPattern(pattern: string, target: string): boolean {
  const split = (text: string): string[] => text.toLowerCase().split('/').filter((s) => s !== '');
  const want = split(pattern);
  const have = split(target);
  const segmentRegexes = want.map((segment) =>
    segment === '**' ? undefined : new RegExp(`^${segment.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('[^/]*')}$`, 'u'),
  );
  // Dynamic programming over (pattern index, target index): linear in their product, no backtracking blow-up.
  let reachable = new Set<number>([0]);
  for (let p = 0; p < want.length; p++) {
    const next = new Set<number>();
    const regex = segmentRegexes[p];
    for (const t of reachable) {
      if (regex === undefined) {
        for (let k = t; k <= have.length; k++) next.add(k);
      } else if (t < have.length && regex.test(have[t] as string)) {
        next.add(t + 1);
      }
    }
    reachable = next;
    if (reachable.size === 0) return false;
  }
  return reachable.has(have.length);
}

/** Every filter of an AuditQuery except `limit`. */
export function recordMatchesQuery(record: AuditRecord, query: AuditQuery): boolean {
  if (query.decision !== undefined && record.decision !== query.decision) return false;
  if (query.policy !== undefined && record.policy !== query.policy) return false;
  if (query.since !== undefined && !(Date.parse(record.time) >= query.since.getTime())) return false;
  if (query.target !== undefined && !matchesTargetPattern(query.target, record.target)) return false;
  return true;
}
