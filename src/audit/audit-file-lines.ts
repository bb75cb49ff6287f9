/**
 * One line of the JSON Lines audit file: the full record, plus `rev` (how many earlier lines the
 * same record has; absent on its first line). `rev` lets a reader going backwards from the tail
 * know where a record starts without remembering every id it has seen, which keeps listing a
 * file of any size in bounded memory (file-audit-query.ts). It is stripped on reading.
 *
 * A line is believed only if it has the shape of a record: a junk line (hand-edited, a stray
 * write, a fragment) is skipped and reported by the caller, never passed on to crash a reader.
 */
import { isRecord } from '../util/is-record.js';
import { withCurrentTrigger } from './current-trigger.js';
import type { AuditRecord } from './types.js';

export interface AuditLine {
  record: AuditRecord;
  /** 0 on a record's first line. */
  rev: number;
}

const DECISIONS = new Set(['approve', 'reject', 'manual', 'ignore']);
const STATUSES = new Set(['pending', 'succeeded', 'failed', 'skipped', 'superseded']);

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every(isString);

/** Why `value` is not an audit record, or undefined when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  for (const field of ['id', 'time', 'target', 'connectionId', 'idempotencyKey'] as const) {
    if (!isString(value[field]) || value[field] === '') return `${field} is not a non-empty string`;
  }
  if (!Number.isFinite(Date.parse(value['time'] as string))) return 'time is not an ISO 8601 date';
  if (!isRecord(value['trigger'])) return 'trigger is not an object';
  if (!isString(value['decision']) || !DECISIONS.has(value['decision'])) return 'decision is not approve, reject, manual or ignore';
  if (!isRecord(value['action']) || !isString(value['action']['status']) || !STATUSES.has(value['action']['status'])) return 'action.status is missing or unknown';
  if (!isStringArray(value['reasons'])) return 'reasons is not a list of strings';
  if (value['shadow'] !== undefined && !Array.isArray(value['shadow'])) return 'shadow is not a list';
  if (value['policy'] !== null && value['policy'] !== undefined && !isString(value['policy'])) return 'policy is not a string or null';
  if (value['leaseUntil'] !== undefined && !(isString(value['leaseUntil']) && Number.isFinite(Date.parse(value['leaseUntil'])))) return 'leaseUntil is not an ISO 8601 date';
  for (const field of ['privateEndpointId', 'consumerSubscriptionId', 'requestMessage', 'previousStatus', 'policyRevision'] as const) {
    if (value[field] !== undefined && !isString(value[field])) return `${field} is not a string`;
  }
  if (value['ipAddresses'] !== undefined && !isStringArray(value['ipAddresses'])) return 'ipAddresses is not a list of strings';
  return undefined;
}

/** Parses one line; `problem` says why it is not a record. */
export function parseAuditLine(text: string): AuditLine | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  const problem = recordProblem(value);
  if (problem !== undefined) return { problem };
  const { rev, ...record } = value as AuditRecord & { rev?: unknown };
  return { record: withCurrentTrigger(record as AuditRecord), rev: typeof rev === 'number' && Number.isInteger(rev) && rev > 0 ? rev : 0 };
}

/** The line for a record (newline included); `rev` 0 is left out, so a first line is the record's own JSON. */
export function auditLineOf(record: AuditRecord, rev: number): string {
  return JSON.stringify(rev > 0 ? { ...record, rev } : record) + '\n';
}
