/**
 * The Table store's writes that claim nothing: a record and its pointers upserted in one entity
 * group transaction, and `appendOnce`, which adds a once-row keyed by the equivalence key to the
 * same transaction (409: one was written before). Every transaction runs under the deadline.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { equivalenceKeyOf } from './equivalence-key.js';
import { TableAuditStoreError } from './table-audit-store-error.js';
import { withDeadline } from './table-client.js';
import { recordEntity } from './table-entity-chunks.js';
import { PARTITION, escapeKeyComponent, idRowKey, keyPrefix, onceRowKey, recordRowKey } from './table-row-keys.js';
import type { AuditRecord } from './types.js';

export function tableAppends(client: TableClient, ms: number, checkWritable: () => void) {
  async function submit(operation: string, actions: TransactionAction[]): Promise<void> {
    await withDeadline(operation, ms, (abortSignal) => client.submitTransaction(actions, { abortSignal }));
  }

  async function append(record: AuditRecord): Promise<void> {
    checkWritable();
    const rowKey = recordRowKey(record);
    await submit('append', [
      ['upsert', recordEntity(record, rowKey, false, randomUUID()), 'Replace'],
      ['upsert', { partitionKey: PARTITION, rowKey: idRowKey(record.id), kind: 'id', recordRowKey: rowKey, claimed: false }, 'Replace'],
      ['upsert', { partitionKey: PARTITION, rowKey: keyPrefix(record.idempotencyKey) + escapeKeyComponent(record.id), kind: 'key', recordRowKey: rowKey }, 'Replace'],
    ]);
  }

  /** Like append, plus a once-row keyed by the equivalence key in the same transaction: 409 means written before. */
  async function appendOnce(record: AuditRecord): Promise<boolean> {
    checkWritable();
    const rowKey = recordRowKey(record);
    try {
      await submit('append', [
        ['create', { partitionKey: PARTITION, rowKey: onceRowKey(equivalenceKeyOf(record)), kind: 'once', recordRowKey: rowKey }],
        ['upsert', recordEntity(record, rowKey, false, randomUUID()), 'Replace'],
        ['upsert', { partitionKey: PARTITION, rowKey: idRowKey(record.id), kind: 'id', recordRowKey: rowKey, claimed: false }, 'Replace'],
        ['upsert', { partitionKey: PARTITION, rowKey: keyPrefix(record.idempotencyKey) + escapeKeyComponent(record.id), kind: 'key', recordRowKey: rowKey }, 'Replace'],
      ]);
      return true;
    } catch (error) {
      if (error instanceof TableAuditStoreError && error.storeStatus === 409) return false;
      throw error;
    }
  }

  return { submit, append, appendOnce };
}
