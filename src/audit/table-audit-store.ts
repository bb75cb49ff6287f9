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
 * Transient failures are retried by the SDK's pipeline (exponential back-off); what still fails is
 * thrown as TableAuditStoreError with `transient` set, so the invocation fails and Event Grid
 * redelivers. Connection strings and keys are never logged or put in error messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { LinkgateError } from '../errors/linkgate-error.js';
import { scrubSecrets, type Logger } from '../log/create-logger.js';
import { equivalenceKeyOf } from './equivalence-key.js';
import { recordMatchesQuery } from './record-matches-query.js';
import type { AuditQuery, AuditRecord, AuditStore, ClaimResult } from './types.js';

export class TableAuditStoreError extends LinkgateError {
  override name = 'TableAuditStoreError';
  /** Worth retrying (network, throttling, 5xx): the pipeline fails the invocation so Event Grid redelivers. */
  readonly transient: boolean;
  /** HTTP status from Table Storage, if any (not `httpStatus`: that name means an ARM status to the pipeline). */
  readonly storeStatus: number | undefined;
  constructor(message: string, options: { transient?: boolean; storeStatus?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { hint: options.hint ?? 'check LINKGATE_AUDIT_TABLE_CONNECTION, LINKGATE_AUDIT_TABLE and the identity\'s "Storage Table Data Contributor" role', cause: options.cause });
    this.transient = options.transient ?? false;
    this.storeStatus = options.storeStatus;
  }
}

export interface TableAuditStoreOptions {
  logger: Logger;
  /** Used when `connection` is an account URL; default DefaultAzureCredential (imported lazily). */
  credential?: TokenCredential;
  /** Read only: the table is not created; a missing table reads as empty. */
  readOnly?: boolean;
}

export const PARTITION = 'audit';
const CHUNK_CHARS = 32_000;
/** 15 chunks: 960,000 bytes of UTF-16, leaving room for the other properties in a 1 MiB entity. */
const MAX_CHUNKS = 15;
const MAX_COMPONENT = 200;
const INVERT_FROM = 9_999_999_999_999;
/** Point reads in flight at once when a listing resolves pointers. */
const READ_CONCURRENCY = 8;

/** Escapes one RowKey component (see the design above); long components become a hash. */
export function escapeKeyComponent(text: string): string {
  const escaped = text.replace(/[%/\\#?|\u0000-\u001f\u007f-\u009f]/gu, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  return escaped.length <= MAX_COMPONENT ? escaped : `h-${createHash('sha256').update(text).digest('hex')}`;
}

function invertedMs(ms: number): string {
  return String(INVERT_FROM - ms).padStart(13, '0');
}

function recordRowKey(record: AuditRecord): string {
  const ms = Date.parse(record.time);
  if (!Number.isFinite(ms) || ms < 0 || ms > INVERT_FROM) {
    throw new TableAuditStoreError(`audit record ${JSON.stringify(record.id)} has a time that is not an ISO 8601 date: ${JSON.stringify(record.time)}`);
  }
  return `r|${invertedMs(ms)}|${escapeKeyComponent(record.id)}`;
}

const claimRowKey = (key: string): string => `k|${escapeKeyComponent(key)}`;
const idRowKey = (id: string): string => `i|${escapeKeyComponent(id)}`;
const onceRowKey = (equivalenceKey: string): string => `o|${escapeKeyComponent(equivalenceKey)}`;
const keyPrefix = (key: string): string => `x|${escapeKeyComponent(key)}|`;
const pendingPrefix = (target: string): string => `p|${escapeKeyComponent(target.toLowerCase())}|`;

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

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

function recordEntity(record: AuditRecord, rowKey: string, claimed: boolean, leaseToken: string): Entity {
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

function recordOf(entity: Record<string, unknown>): AuditRecord {
  const count = Number(entity['chunks']);
  let json = '';
  for (let i = 0; i < count; i++) json += String(entity[`record${i}`] ?? '');
  return JSON.parse(json) as AuditRecord;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Wraps an SDK error without its message's URL or credentials. */
function storeError(operation: string, error: unknown): TableAuditStoreError {
  if (error instanceof TableAuditStoreError) return error;
  const status = statusOf(error);
  const e = error as { code?: unknown; details?: { errorCode?: unknown; Message?: unknown; message?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.details?.errorCode === 'string' ? e.details.errorCode : undefined;
  // Service errors arrive as XML or JSON bodies in the message; the parsed message is the readable part.
  const serviceMessage = e?.details?.Message ?? e?.details?.message;
  const raw = typeof serviceMessage === 'string' ? serviceMessage : error instanceof Error ? error.message : String(error);
  const detail = scrubSecrets(raw.split('\n')[0] ?? '').slice(0, 300);
  const transient = status === undefined || status === 408 || status === 429 || status >= 500;
  return new TableAuditStoreError(
    `audit table ${operation} failed${status === undefined ? '' : ` (HTTP ${status})`}${code === undefined ? '' : ` ${code}`}: ${detail}`,
    { transient, cause: error, ...(status === undefined ? {} : { storeStatus: status }) },
  );
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

/** The account endpoint a connection names, for logs: never the key or SAS. */
function describeConnection(connection: string): string {
  if (/^https?:\/\//iu.test(connection)) {
    try {
      return new URL(connection).origin;
    } catch {
      return '(unparsable URL)';
    }
  }
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/iu.exec(connection)?.[1];
  if (endpoint !== undefined) {
    try {
      return new URL(endpoint).origin;
    } catch {
      return '(unparsable TableEndpoint)';
    }
  }
  const account = /(?:^|;)\s*AccountName=([^;]+)/iu.exec(connection)?.[1];
  if (/UseDevelopmentStorage=true/iu.test(connection)) return 'development storage';
  return account === undefined ? '(connection string)' : `account ${account}`;
}

async function createClient(connection: string, table: string, credential: TokenCredential | undefined): Promise<TableClient> {
  const { TableClient } = await import('@azure/data-tables');
  if (/^https?:\/\//iu.test(connection)) {
    let url: URL;
    try {
      url = new URL(connection);
    } catch (error) {
      throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION is not a valid URL', { cause: error });
    }
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION must be an https:// account URL', {
        hint: 'use https://<account>.table.core.windows.net, or a connection string',
      });
    }
    let tokenCredential = credential;
    if (tokenCredential === undefined) {
      const { DefaultAzureCredential } = await import('@azure/identity');
      tokenCredential = new DefaultAzureCredential();
    }
    return new TableClient(url.origin + url.pathname.replace(/\/$/u, ''), table, tokenCredential, { allowInsecureConnection: url.protocol === 'http:' });
  }
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/iu.exec(connection)?.[1];
  let insecure = false;
  try {
    insecure = endpoint !== undefined && new URL(endpoint).protocol === 'http:' && isLoopback(new URL(endpoint).hostname);
  } catch {
    // the SDK reports a bad endpoint below
  }
  try {
    return TableClient.fromConnectionString(connection, table, { allowInsecureConnection: insecure });
  } catch (error) {
    // The SDK's message may quote the connection string: say what is wrong, not what it holds.
    throw new TableAuditStoreError('LINKGATE_AUDIT_TABLE_CONNECTION is not a storage connection string the SDK understands', {
      hint: 'use DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net, a SAS connection string, or https://<account>.table.core.windows.net',
      cause: scrubSecrets(String((error as Error).message ?? error)),
    });
  }
}

function quote(value: string): string {
  return `'${value.replace(/'/gu, "''")}'`;
}

/** Runs `read` over `items` with bounded concurrency, keeping their order. */
async function mapBounded<T, R>(items: T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await read(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return out;
}

export async function openTableAuditStore(
  config: { connection: string; table: string },
  options: TableAuditStoreOptions,
): Promise<AuditStore> {
  const log = options.logger.child({ auditStore: 'table', table: config.table, account: describeConnection(config.connection) });
  const client = await createClient(config.connection, config.table, options.credential);
  const readOnly = options.readOnly === true;
  if (!readOnly) {
    try {
      await client.createTable();
    } catch (error) {
      if (statusOf(error) !== 409) throw storeError('create table', error);
    }
  }
  log.debug('audit table store open');
  let closed = false;

  const checkWritable = (): void => {
    if (closed) throw new TableAuditStoreError('the audit store is closed');
    if (readOnly) throw new TableAuditStoreError('the audit store is open read-only');
  };

  async function readEntity(rowKey: string): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
    try {
      return await client.getEntity<Record<string, unknown>>(PARTITION, rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storeError('read', error);
    }
  }

  async function readRecordAt(rowKey: string): Promise<AuditRecord | undefined> {
    const entity = await readEntity(rowKey);
    return entity === undefined ? undefined : recordOf(entity);
  }

  async function* listRange(prefixOrLower: string, upper: string, extraFilter?: string): AsyncGenerator<TableEntityResult<Record<string, unknown>>> {
    let filter = `PartitionKey eq ${quote(PARTITION)} and RowKey ge ${quote(prefixOrLower)} and RowKey lt ${quote(upper)}`;
    if (extraFilter !== undefined) filter += ` and ${extraFilter}`;
    try {
      for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) yield entity;
    } catch (error) {
      // A read-only listing of a table nobody has written yet is an empty listing.
      if (readOnly && statusOf(error) === 404) return;
      throw storeError('query', error);
    }
  }

  /** Upper bound of a RowKey prefix ending in '|' ('}' sorts right after '|'). */
  const upperOf = (prefix: string): string => prefix.slice(0, -1) + '}';

  async function submit(operation: string, actions: TransactionAction[]): Promise<void> {
    try {
      await client.submitTransaction(actions);
    } catch (error) {
      throw storeError(operation, error);
    }
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
        await client.updateEntity(recordEntity(record, rowKey, entity['claimed'] === true, token), 'Replace', { etag: entity.etag });
        return { taken: true, record };
      } catch (error) {
        const status = statusOf(error);
        if (status !== 412 && status !== 404) throw storeError('take over', error);
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
      const records = (await mapBounded(rowKeys, readRecordAt)).filter((r): r is AuditRecord => r !== undefined && r.idempotencyKey === key);
      return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    },

    async incomplete(target) {
      if (closed) throw new TableAuditStoreError('the audit store is closed');
      // Without a target, the whole pending index ('p|…'): one range scan of open claims only.
      const prefix = target === undefined ? 'p|' : pendingPrefix(target);
      const rowKeys: string[] = [];
      for await (const entity of listRange(prefix, upperOf(prefix), 'open eq true')) rowKeys.push(String(entity['recordRowKey']));
      const records = (await mapBounded(rowKeys, readRecordAt)).filter(
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
