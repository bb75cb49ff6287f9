/**
 * Pure views of audit records for `linkgate audit`: CSV (RFC 4180, safe to open in a spreadsheet),
 * JSON Lines and the short rows of the table view.
 *
 * Records carry consumer-controlled text (request messages, resource names). CSV cells that a
 * spreadsheet would run as a formula are defused with a leading apostrophe (OWASP "CSV injection");
 * terminal escaping is the renderer's job (render-table.ts).
 */
import type { AuditRecord, AuditTrigger } from '../audit/types.js';

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
  'principal',
  'humanReason',
] as const;

/** `event:<type>:<id>`, `sweep`, `cli`, `human:<principal>` (`+override`) or `observed`. */
export function describeTrigger(trigger: AuditTrigger): string {
  if (trigger.type === 'event') return `event:${trigger.eventType}:${trigger.eventId}`;
  if (trigger.type === 'human') return `human:${trigger.principal}${trigger.override === true ? '+override' : ''}`;
  return trigger.type;
}

/** The principal and reason of a human decision, for the views that show who decided. */
export function humanOf(trigger: AuditTrigger): { principal: string; reason: string; override: boolean } | undefined {
  return trigger.type === 'human' ? { principal: trigger.principal, reason: trigger.reason, override: trigger.override === true } : undefined;
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
    principal: humanOf(record.trigger)?.principal ?? '',
    humanReason: humanOf(record.trigger)?.reason ?? '',
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

/** The decision with what made it when that was not the policies alone: drift, a person, or someone outside linkgate. */
function decisionLabel(record: AuditRecord): string {
  if (record.kind === 'drift') return `${record.decision} (drift)`;
  if (record.trigger.type === 'human') return `${record.decision} (${record.trigger.principal}${record.trigger.override === true ? ', override' : ''})`;
  if (record.trigger.type === 'observed') return `${record.decision} (observed)`;
  return record.decision;
}

/** A short row for the `audit list` table (raw text: the renderer escapes it). */
export function summaryRow(record: AuditRecord): string[] {
  return [
    record.time.replace(/\.\d+Z$/u, 'Z'),
    record.id,
    decisionLabel(record),
    record.enforced ? 'yes' : 'no',
    record.action.status,
    record.policy ?? '-',
    lastSegment(record.target),
    lastSegment(record.connectionId),
    record.consumerSubscriptionId,
    record.reasons[0] ?? '',
  ];
}
