/**
 * A record as a Table entity: its JSON split into 32,000-character properties (a property holds
 * 64 KiB, an entity 1 MiB), so long reasons and shadow results are kept whole, beside the few
 * fields the server filters on.
 */
import type { AuditRecord } from './types.js';
import { TableAuditStoreError } from './table-audit-store-error.js';
import { PARTITION } from './table-row-keys.js';
import { withCurrentTrigger } from './current-trigger.js';

const CHUNK_CHARS = 32_000;
/** 15 chunks: 960,000 bytes of UTF-16, leaving room for the other properties in a 1 MiB entity. */
const MAX_CHUNKS = 15;

export type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Splits JSON into chunks that never cut a surrogate pair in two. */
export function splitIntoChunks(text: string, size = CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks.length === 0 ? [''] : chunks;
}

export function recordEntity(record: AuditRecord, rowKey: string, claimed: boolean, leaseToken: string): Entity {
  const json = JSON.stringify(record);
  const chunks = splitIntoChunks(json);
  if (chunks.length > MAX_CHUNKS) {
    throw new TableAuditStoreError(`audit record ${JSON.stringify(record.id)} is ${json.length} characters of JSON; Table Storage holds at most ${MAX_CHUNKS * CHUNK_CHARS}`, {
      hint: 'a record this large means runaway reasons or shadow results; this is a bug to report',
    });
  }
  const entity: Entity = {
    partitionKey: PARTITION,
    rowKey,
    kind: 'record',
    id: record.id,
    time: record.time,
    targetKey: record.target.toLowerCase(),
    decision: record.decision,
    status: record.action.status,
    idempotencyKey: record.idempotencyKey,
    enforced: record.enforced,
    claimed,
    leaseToken,
    chunks: chunks.length,
  };
  if (record.policy !== null) entity['policy'] = record.policy;
  chunks.forEach((chunk, i) => {
    entity[`record${i}`] = chunk;
  });
  return entity;
}

export function recordOf(entity: Record<string, unknown>): AuditRecord {
  const count = Number(entity['chunks']);
  let json = '';
  for (let i = 0; i < count; i++) json += String(entity[`record${i}`] ?? '');
  return withCurrentTrigger(JSON.parse(json) as AuditRecord);
}
