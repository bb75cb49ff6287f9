/**
 * The Azure Table Storage audit store (production; DESIGN §6), on `@azure/data-tables`.
 *
 * Design: one table, one partition (PartitionKey 'audit'), several kinds of entity told apart by
 * a RowKey prefix. Keeping every entity in one partition makes each mutation a single entity
 * group transaction (atomic, all or nothing), so no index can ever point at a record that was
 * never written or miss one that was. A partition serves about 2,000 entities/s; an audit trail
 * paced by ARM's write budget (10 writes/s per subscription) uses a small fraction of that.
 *
 *   RowKey                          entity                                      serves
 *   r|<inverted ms>|<id>            the record: JSON in record0..recordN, plus   query (newest first), get
 *                                   decision/policy/status/… for server filters
 *   k|<idempotency key>             the claim: which record owns the key         claim (insert; 409 = owned)
 *   i|<id>                          id → record RowKey, whether it was claimed  get, complete, takeOver
 *   x|<idempotency key>|<id>        key → record RowKey                          findByKey
 *   p|<target, lower case>|<id>     claimed record, open while action 'pending'  incomplete(target?)
 *   o|<equivalence key>             a record that claims nothing was written     appendOnce (insert; 409 = had one)
 *
 * <inverted ms> is 9999999999999 minus the record's time in epoch milliseconds, 13 digits, so
 * RowKey order is newest first and `since` is a RowKey range. Components are escaped ('%', '/',
 * '\\', '#', '?', '|' and control characters are percent-encoded; they are not allowed in keys or
 * would break prefixes) and replaced by a SHA-256 when long, since a key holds at most 1 KiB.
 *
 * Exactly once: claim inserts k|, r|, i|, x| and p| in one transaction; a 409 means another
 * delivery or instance owns the key. takeOver replaces the record with If-Match on the etag it
 * read; a 412 means another caller won. Each claim and takeover writes a random token, so a
 * request the SDK retried after a lost response (and that then sees 409/412) recognises its own
 * write. Records are serialised as JSON split into 32,000-character properties (a property holds
 * 64 KiB, an entity 1 MiB), so long reasons and shadow results are kept whole.
 *
 * Transient failures are retried by the SDK's pipeline (a bounded budget, and every call under a
 * deadline: table-client.ts); what still fails is thrown as TableAuditStoreError with `transient`
 * set, so the invocation fails and Event Grid redelivers. Connection strings and keys are never
 * logged or put in error messages.
 *
 * Files: row keys (table-row-keys.ts), entity chunking (table-entity-chunks.ts), the client and
 * its deadlines (table-client.ts), errors (table-audit-store-error.ts), reads (table-reads.ts) and
 * appends (table-appends.ts); claims, takeovers, completions and queries are here.
 */
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type { TransactionAction } from '@azure/data-tables';
import type { Logger } from '../log/create-logger.js';
import { recordMatchesQuery } from './record-matches-query.js';
import { TableAuditStoreError } from './table-audit-store-error.js';
import { DEFAULT_TABLE_DEADLINES, createTableClient, describeConnection, withDeadline, type TableDeadlines } from './table-client.js';
import { recordEntity, recordOf } from './table-entity-chunks.js';
import { tableAppends } from './table-appends.js';
import { tableReads } from './table-reads.js';
import {
  INVERT_FROM,
  PARTITION,
  claimRowKey,
  escapeKeyComponent,
  idRowKey,
  invertedMs,
  keyPrefix,
  pendingPrefix,
  quote,
  recordRowKey,
  upperOf,
} from './table-row-keys.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from './types.js';

export { TableAuditStoreError } from './table-audit-store-error.js';
export { escapeKeyComponent, PARTITION } from './table-row-keys.js';
export { splitIntoChunks } from './table-entity-chunks.js';
export { DEFAULT_TABLE_DEADLINES, type TableDeadlines } from './table-client.js';

export interface TableAuditStoreOptions {
  logger: Logger;
  /** Used when `connection` is an account URL; default DefaultAzureCredential (imported lazily). */
  credential?: TokenCredential;
  /** Read only: the table is not created; a missing table reads as empty. */
  readOnly?: boolean;
  /** Timeouts and retry budget of every store call (default DEFAULT_TABLE_DEADLINES). */
  deadlines?: Partial<TableDeadlines>;
}

export async function openTableAuditStore(
  config: { connection: string; table: string },
  options: TableAuditStoreOptions,
): Promise<AuditStore> {
  const log = options.logger.child({ auditStore: 'table', table: config.table, account: describeConnection(config.connection) });
  const deadlines: TableDeadlines = { ...DEFAULT_TABLE_DEADLINES, ...options.deadlines };
  const ms = deadlines.operationMs;
  const client = await createTableClient(config.connection, config.table, options.credential, deadlines);
  const readOnly = options.readOnly === true;
  if (!readOnly) {
    try {
      await withDeadline('create table', ms, (abortSignal) => client.createTable({ abortSignal }));
    } catch (error) {
      if ((error as TableAuditStoreError).storeStatus !== 409) throw error;
    }
  }
  log.debug('audit table store open');
  let closed = false;

  const checkWritable = (): void => {
    if (closed) throw new TableAuditStoreError('the audit store is closed');
    if (readOnly) throw new TableAuditStoreError('the audit store is open read-only');
  };

  const { readEntity, readRecordAt, listRange, readRecords } = tableReads(client, ms, readOnly);

  const { submit, append, appendOnce } = tableAppends(client, ms, checkWritable);

  return {
    append,
    appendOnce,

    async claim(intent): Promise<ClaimResult> {
      checkWritable();
      const rowKey = recordRowKey(intent);
      const token = randomUUID();
      const claimKey = claimRowKey(intent.idempotencyKey);
      const actions: TransactionAction[] = [
        ['create', { partitionKey: PARTITION, rowKey: claimKey, kind: 'claim', recordRowKey: rowKey, recordId: intent.id, token }],
        ['create', recordEntity(intent, rowKey, true, token)],
        ['create', { partitionKey: PARTITION, rowKey: idRowKey(intent.id), kind: 'id', recordRowKey: rowKey, claimed: true }],
        ['create', { partitionKey: PARTITION, rowKey: keyPrefix(intent.idempotencyKey) + escapeKeyComponent(intent.id), kind: 'key', recordRowKey: rowKey }],
        ['create', { partitionKey: PARTITION, rowKey: pendingPrefix(intent.target) + escapeKeyComponent(intent.id), kind: 'pending', recordRowKey: rowKey, open: intent.action.status === 'pending' }],
      ];
      try {
        await submit('claim', actions);
        return { claimed: true, record: structuredClone(intent) };
      } catch (error) {
        if (!(error instanceof TableAuditStoreError) || error.storeStatus !== 409) throw error;
      }
      const owner = await readEntity(claimKey);
      if (owner === undefined) {
        throw new TableAuditStoreError(`claim failed: an audit record with id ${JSON.stringify(intent.id)} already exists`, {
          hint: 'record ids must be unique; this is a bug to report',
        });
      }
      // Our own insert, answered by a 409 only because the SDK retried after a lost response.
      if (owner['token'] === token) return { claimed: true, record: structuredClone(intent) };
      const existing = await readRecordAt(String(owner['recordRowKey']));
      if (existing === undefined) throw new TableAuditStoreError(`claim for ${JSON.stringify(intent.idempotencyKey)} points at a missing record`);
      return { claimed: false, existing };
    },

    async takeOver(existing, leaseUntil) {
      checkWritable();
      const pointer = await readEntity(idRowKey(existing.id));
      if (pointer === undefined) return { taken: false };
      const rowKey = String(pointer['recordRowKey']);
      const entity = await readEntity(rowKey);
      if (entity === undefined) return { taken: false };
      const current = recordOf(entity);
      if (current.action.status !== 'pending' || current.leaseUntil !== existing.leaseUntil) return { taken: false };
      const record: AuditRecord = { ...current, leaseUntil: leaseUntil.toISOString() };
      const token = randomUUID();
      try {
        await withDeadline('take over', ms, (abortSignal) =>
          client.updateEntity(recordEntity(record, rowKey, entity['claimed'] === true, token), 'Replace', { etag: entity.etag, abortSignal }),
        );
        return { taken: true, record };
      } catch (error) {
        const status = (error as TableAuditStoreError).storeStatus;
        if (status !== 412 && status !== 404) throw error;
      }
      const after = await readEntity(rowKey);
      return after !== undefined && after['leaseToken'] === token ? { taken: true, record } : { taken: false };
    },

    async complete(record) {
      checkWritable();
      const pointer = await readEntity(idRowKey(record.id));
      if (pointer === undefined) {
        // Completing a record this store never saw: keep it, as an append.
        await append(record);
        return;
      }
      const rowKey = String(pointer['recordRowKey']);
      const claimed = pointer['claimed'] === true;
      const actions: TransactionAction[] = [['upsert', recordEntity(record, rowKey, claimed, randomUUID()), 'Replace']];
      if (claimed) {
        actions.push([
          'upsert',
          { partitionKey: PARTITION, rowKey: pendingPrefix(record.target) + escapeKeyComponent(record.id), kind: 'pending', recordRowKey: rowKey, open: record.action.status === 'pending' },
          'Replace',
        ]);
      }
      await submit('complete', actions);
    },

    async findByKey(key) {
      if (closed) throw new TableAuditStoreError('the audit store is closed');
      const prefix = keyPrefix(key);
      const rowKeys: string[] = [];
      for await (const entity of listRange(prefix, upperOf(prefix))) rowKeys.push(String(entity['recordRowKey']));
      const records = (await readRecords(rowKeys)).filter((r): r is AuditRecord => r !== undefined && r.idempotencyKey === key);
      return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    },

    async incomplete(target) {
      if (closed) throw new TableAuditStoreError('the audit store is closed');
      // Without a target, the whole pending index ('p|…'): one range scan of open claims only.
      const prefix = target === undefined ? 'p|' : pendingPrefix(target);
      const rowKeys: string[] = [];
      for await (const entity of listRange(prefix, upperOf(prefix), 'open eq true')) rowKeys.push(String(entity['recordRowKey']));
      const records = (await readRecords(rowKeys)).filter(
        (r): r is AuditRecord => r !== undefined && r.action.status === 'pending' && (target === undefined || r.target.toLowerCase() === target.toLowerCase()),
      );
      return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    },

    async get(id) {
      if (closed) throw new TableAuditStoreError('the audit store is closed');
      // readEntity maps 404 (no such entity, or no table yet) to undefined.
      const pointer = await readEntity(idRowKey(id));
      return pointer === undefined ? undefined : readRecordAt(String(pointer['recordRowKey']));
    },

    async *query(filter: AuditQuery) {
      if (closed) throw new TableAuditStoreError('the audit store is closed');
      // Records at or after `since` have inverted times at most invertedMs(since): RowKeys below r|<that + 1>.
      const sinceMs = filter.since?.getTime();
      const upper = sinceMs === undefined || !(sinceMs > 0) ? 'r}' : sinceMs > INVERT_FROM ? 'r|' : `r|${invertedMs(sinceMs - 1)}`;
      const conditions: string[] = [];
      if (filter.decision !== undefined) conditions.push(`decision eq ${quote(filter.decision)}`);
      if (filter.policy !== undefined) conditions.push(`policy eq ${quote(filter.policy)}`);
      let count = 0;
      if (filter.limit !== undefined && filter.limit <= 0) return;
      for await (const entity of listRange('r|', upper, conditions.length === 0 ? undefined : conditions.join(' and '))) {
        const record = recordOf(entity);
        if (!recordMatchesQuery(record, filter)) continue;
        yield record;
        count++;
        if (filter.limit !== undefined && count >= filter.limit) return;
      }
    },

    async close() {
      closed = true;
    },
  };
}
