/**
 * The Table store's reads, each under the operation deadline (table-client.ts): point reads of an
 * entity or a record, RowKey range listings page by page, and bounded-concurrency record reads.
 */
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { mapWithConcurrency } from '../pipeline/map-with-concurrency.js';
import type { TableAuditStoreError } from './table-audit-store-error.js';
import { pagesWithDeadline, withDeadline } from './table-client.js';
import { recordOf } from './table-entity-chunks.js';
import { PARTITION, quote } from './table-row-keys.js';
import type { AuditRecord } from './types.js';

/** Point reads in flight at once when a listing resolves pointers. */
const READ_CONCURRENCY = 8;

export type Row = TableEntityResult<Record<string, unknown>>;

export function tableReads(client: TableClient, ms: number, readOnly: boolean) {
  async function readEntity(rowKey: string): Promise<Row | undefined> {
    try {
      return await withDeadline('read', ms, (abortSignal) => client.getEntity<Record<string, unknown>>(PARTITION, rowKey, { abortSignal }));
    } catch (error) {
      if ((error as TableAuditStoreError).storeStatus === 404) return undefined;
      throw error;
    }
  }

  async function readRecordAt(rowKey: string): Promise<AuditRecord | undefined> {
    const entity = await readEntity(rowKey);
    return entity === undefined ? undefined : recordOf(entity);
  }

  /** The records the RowKeys point at, in order, at most READ_CONCURRENCY reads at once; the first failure is thrown. */
  async function readRecords(rowKeys: string[]): Promise<(AuditRecord | undefined)[]> {
    const settled = await mapWithConcurrency(rowKeys, READ_CONCURRENCY, readRecordAt);
    return settled.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
  }

  async function* listRange(prefixOrLower: string, upper: string, extraFilter?: string): AsyncGenerator<Row> {
    let filter = `PartitionKey eq ${quote(PARTITION)} and RowKey ge ${quote(prefixOrLower)} and RowKey lt ${quote(upper)}`;
    if (extraFilter !== undefined) filter += ` and ${extraFilter}`;
    const pages = pagesWithDeadline('query', ms, (abortSignal) =>
      client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal }).byPage()[Symbol.asyncIterator](),
    );
    try {
      for await (const entity of pages) yield entity;
    } catch (error) {
      // A read-only listing of a table nobody has written yet is an empty listing.
      if (readOnly && (error as TableAuditStoreError).storeStatus === 404) return;
      throw error;
    }
  }

  return { readEntity, readRecordAt, readRecords, listRange };
}
