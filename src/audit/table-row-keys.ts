/**
 * The Table store's RowKey schema (see table-audit-store.ts for the table of entity kinds):
 * escaping, the inverted-time record key that sorts newest first, and prefix ranges.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './types.js';
import { TableAuditStoreError } from './table-audit-store-error.js';

export const PARTITION = 'audit';
export const INVERT_FROM = 9_999_999_999_999;
const MAX_COMPONENT = 200;

/** Escapes one RowKey component; long components become a hash (a key holds at most 1 KiB). */
export function escapeKeyComponent(text: string): string {
  const escaped = text.replace(/[%/\\#?|\u0000-\u001f\u007f-\u009f]/gu, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  return escaped.length <= MAX_COMPONENT ? escaped : `h-${createHash('sha256').update(text).digest('hex')}`;
}

export function invertedMs(ms: number): string {
  return String(INVERT_FROM - ms).padStart(13, '0');
}

export function recordRowKey(record: AuditRecord): string {
  const ms = Date.parse(record.time);
  if (!Number.isFinite(ms) || ms < 0 || ms > INVERT_FROM) {
    throw new TableAuditStoreError(`audit record ${JSON.stringify(record.id)} has a time that is not an ISO 8601 date: ${JSON.stringify(record.time)}`);
  }
  return `r|${invertedMs(ms)}|${escapeKeyComponent(record.id)}`;
}

export const claimRowKey = (key: string): string => `k|${escapeKeyComponent(key)}`;
export const idRowKey = (id: string): string => `i|${escapeKeyComponent(id)}`;
export const onceRowKey = (equivalenceKey: string): string => `o|${escapeKeyComponent(equivalenceKey)}`;
export const keyPrefix = (key: string): string => `x|${escapeKeyComponent(key)}|`;
export const pendingPrefix = (target: string): string => `p|${escapeKeyComponent(target.toLowerCase())}|`;

/** Upper bound of a RowKey prefix ending in '|' ('}' sorts right after '|'). */
export const upperOf = (prefix: string): string => prefix.slice(0, -1) + '}';

/** An OData string literal. */
export function quote(value: string): string {
  return `'${value.replace(/'/gu, "''")}'`;
}
