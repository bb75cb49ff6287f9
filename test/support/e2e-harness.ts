/**
 * End-to-end harness: the ARM emulator seeded with a small world that the example policies in
 * policies/ govern, `linkgate serve` started against it through the real configuration path
 * (readConfig → startServe), a fresh audit store (a JSON Lines file in a temporary folder, or a
 * uniquely named table in Azurite), and helpers to deliver events over HTTP and read back what the
 * emulator saw and what the audit store holds.
 *
 * The world reuses the demo's subscriptions and targets (emulator/demo-world.ts, which the policies
 * name) and adds the connections and endpoint the event fixtures in test/fixtures/events/ name, so
 * the fixtures drive real decisions. Every connection carries the outcome the policies should give
 * it (`E2E_PLAN`), so tests assert against the plan instead of counting by hand.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../emulator/arm-emulator.js';
import {
  DATA_SUBSCRIPTION,
  DEMO_TENANTS,
  DENIED_SUBNET,
  DENIED_SUBSCRIPTION,
  HUB_SUBNET,
  KEYVAULT_ID,
  PARTNER_SUBNET,
  PAYMENTS_SUBSCRIPTION,
  PLS_ID,
  STORAGE_ID,
  TRUSTED_SUBSCRIPTION,
  UNKNOWN_SUBSCRIPTION,
} from '../../emulator/demo-world.js';
import { loadWorld, type World } from '../../emulator/world.js';
import { openAuditStore } from '../../src/audit/open-audit-store.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { readConfig, type LinkgateConfig } from '../../src/config/read-config.js';
import { startServe, type ServeHandle } from '../../src/host/start-serve.js';
import { WEBHOOK_PATH } from '../../src/host/webhook-server.js';
import { createLogger, silentLogger, type Logger } from '../../src/log/create-logger.js';

export const POLICY_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The world and what the policies should decide in it.

/** What policies/ should make of a connection. */
export type Expected =
  /** Enforced decision written to ARM once. */
  | 'approve'
  | 'reject'
  /** Recorded for a human, nothing written. */
  | 'manual'
  /** Audit-mode policy (secrets-audit): recorded with a shadow result, nothing written. */
  | 'shadow'
  /** Not Pending: no decision, no record, no write. */
  | 'untouched';

export interface PlannedConnection {
  /** Full connection ID. */
  id: string;
  target: string;
  endpointId: string;
  expected: Expected;
  /** Status the emulator starts the connection in. */
  status: 'Pending' | 'Approved';
}

export const UNGOVERNED_SUBSCRIPTION = UNKNOWN_SUBSCRIPTION;

/** Named in the connection-proxy fixtures (both schemas). */
export const FIXTURE_STORAGE_CONNECTION = `${STORAGE_ID}/privateEndpointConnections/pe-consumer-a.2f6c1d0e-8a4b-4b9e-9c3e-1f2a3b4c5d6e`;
/** Named in the private endpoint write fixture (its resourceUri, verbatim). */
export const FIXTURE_ENDPOINT = `/subscriptions/${TRUSTED_SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-app-to-pls`;
export const FIXTURE_PLS_CONNECTION = `${PLS_ID}/privateEndpointConnections/pe-app-to-pls.1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90`;
/** The Private Link Service the resource-notification fixture names: in the data subscription, where no policy governs it. */
export const FIXTURE_UNGOVERNED_PLS = `/subscriptions/${DATA_SUBSCRIPTION}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;
/** A provider resource with a Pending connection that no policy governs: events naming it must be ignored. */
export const UNGOVERNED_STORAGE = `/subscriptions/${UNGOVERNED_SUBSCRIPTION}/resourceGroups/rg-partner/providers/Microsoft.Storage/storageAccounts/partnerdata`;
/** A consumer endpoint whose only target is UNGOVERNED_STORAGE. */
export const UNGOVERNED_ENDPOINT = `/subscriptions/${UNGOVERNED_SUBSCRIPTION}/resourceGroups/rg-partner/providers/Microsoft.Network/privateEndpoints/pe-partnerdata`;

export { KEYVAULT_ID, PLS_ID, STORAGE_ID };

/** A second Private Link Service payments-pls governs (`…/privateLinkServices/pay-*`), so two fixtures can each have a PLS of their own. */
export const PLS_REPORTS_ID = `/subscriptions/${PAYMENTS_SUBSCRIPTION}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-reports`;

/** Storage accounts for the batch tests, governed by paydata-storage (`…/rg-pay/…/storageAccounts/*`). */
export const BULK_TARGET_COUNT = 20;
export const BULK_TARGETS: readonly string[] = Array.from(
  { length: BULK_TARGET_COUNT },
  (_, i) => `/subscriptions/${DATA_SUBSCRIPTION}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/paybulk${String(i).padStart(2, '0')}`,
);

interface Consumer {
  subscription: string;
  resourceGroup: string;
  subnet: string;
}

const TRUSTED: Consumer = { subscription: TRUSTED_SUBSCRIPTION, resourceGroup: 'rg-hub', subnet: HUB_SUBNET };
const APP: Consumer = { subscription: TRUSTED_SUBSCRIPTION, resourceGroup: 'rg-app', subnet: HUB_SUBNET };
const PARTNER: Consumer = { subscription: UNKNOWN_SUBSCRIPTION, resourceGroup: 'rg-partner', subnet: PARTNER_SUBNET };
const DENIED: Consumer = { subscription: DENIED_SUBSCRIPTION, resourceGroup: 'rg-x', subnet: DENIED_SUBNET };

interface Seed {
  endpoint: string;
  suffix: string;
  consumer: Consumer;
  ip: string;
  requestMessage: string;
  expected: Expected;
  approved?: boolean;
  unreadable?: boolean;
  manual?: boolean;
}

interface TargetSeed {
  id: string;
  type: string;
  connections: Seed[];
}

function bulkSeeds(index: number): Seed[] {
  const nn = String(index).padStart(2, '0');
  return [
    // Hub subnet with a change ticket: paydata-storage approves.
    { endpoint: `pe-bulk-${nn}-hub`, suffix: `0000${nn}a1-0000-4000-8000-0000000000${nn}`, consumer: TRUSTED, ip: `10.20.9.${index + 10}`, requestMessage: `CHG5000${nn} bulk export`, expected: 'approve' },
    // Denied subscription: paydata-storage rejects.
    { endpoint: `pe-bulk-${nn}-x`, suffix: `0000${nn}b2-0000-4000-8000-0000000000${nn}`, consumer: DENIED, ip: `10.99.9.${index + 10}`, requestMessage: `CHG6000${nn} export`, expected: 'reject' },
  ];
}

const TARGETS: TargetSeed[] = [
  {
    id: STORAGE_ID,
    type: 'Microsoft.Storage/storageAccounts',
    connections: [
      // The fixtures' connection: hub subnet, change ticket → approve.
      { endpoint: 'pe-consumer-a', suffix: '2f6c1d0e-8a4b-4b9e-9c3e-1f2a3b4c5d6e', consumer: TRUSTED, ip: '10.20.2.10', requestMessage: 'CHG234567 nightly export', expected: 'approve' },
      // Trusted subnet but no ticket: approval held → manual.
      { endpoint: 'pe-hub-adhoc', suffix: '5b6d0f7a-1c8e-4f3d-8a2b-6c7d8e9fa0b6', consumer: TRUSTED, ip: '10.20.2.11', requestMessage: 'no ticket yet', expected: 'manual' },
      // Nothing trusted → otherwise: reject.
      { endpoint: 'pe-partner-paydata', suffix: '6c7e1a8b-2d9f-4a4e-9b3c-7d8e9fa0b1c7', consumer: PARTNER, ip: '10.50.1.4', requestMessage: 'please approve', expected: 'reject' },
      // deny.subscriptions → reject.
      { endpoint: 'pe-x-paydata', suffix: '7d8f2b9c-3e0a-4b5f-8c4d-8e9fa0b1c2d8', consumer: DENIED, ip: '10.99.1.5', requestMessage: 'CHG111111 export', expected: 'reject' },
      // Already Approved: not Pending, so an event reconcile leaves it alone.
      { endpoint: 'pe-x-paydata-old', suffix: '8e9a3c0d-4f1b-4c6a-9d5e-9fa0b1c2d3e9', consumer: DENIED, ip: '10.99.1.6', requestMessage: 'legacy', expected: 'untouched', approved: true },
    ],
  },
  {
    id: PLS_ID,
    type: 'Microsoft.Network/privateLinkServices',
    connections: [
      // The fixtures' endpoint (rg-app of the trusted subscription): autoApproval → approve.
      { endpoint: 'pe-app-to-pls', suffix: '1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90', consumer: APP, ip: '10.20.1.4', requestMessage: 'CHG004211 payments app', expected: 'approve' },
      // Visible but not auto-approved → otherwise: manual.
      { endpoint: 'pe-partner-pay-api', suffix: '1d2f6b3c-7e4a-4b9f-8c8d-2e3f4a5b6c72', consumer: PARTNER, ip: '10.50.0.4', requestMessage: 'please approve', expected: 'manual' },
      // Outside visibility → reject.
      { endpoint: 'pe-x-pay-api', suffix: '2e3a7c4d-8f5b-4c0a-9d9e-3f4a5b6c7d83', consumer: DENIED, ip: '10.99.0.5', requestMessage: 'CHG654321 totally legit', expected: 'reject' },
      // A cross-tenant endpoint the provider cannot read (403), manual link: visible, not auto → manual.
      { endpoint: 'pe-partner-reporting', suffix: '3f4b8d5e-9a6c-4d1b-8e0f-4a5b6c7d8e94', consumer: PARTNER, ip: '10.50.0.9', requestMessage: 'CHG777777 reporting', expected: 'manual', unreadable: true, manual: true },
    ],
  },
  {
    id: PLS_REPORTS_ID,
    type: 'Microsoft.Network/privateLinkServices',
    connections: [
      { endpoint: 'pe-hub-reports', suffix: 'c3de8a5b-9e6f-4a1c-8d2e-f3a4b5c6d7e8', consumer: TRUSTED, ip: '10.20.1.20', requestMessage: 'CHG313131 reporting', expected: 'approve' },
      { endpoint: 'pe-partner-reports', suffix: 'd4ef9b6c-0f7a-4b2d-9e3f-a4b5c6d7e8f9', consumer: PARTNER, ip: '10.50.0.20', requestMessage: 'please', expected: 'manual' },
      { endpoint: 'pe-x-reports', suffix: 'e5fa0c7d-1a8b-4c3e-8f4a-b5c6d7e8f9a0', consumer: DENIED, ip: '10.99.0.20', requestMessage: 'CHG414141', expected: 'reject' },
    ],
  },
  {
    id: KEYVAULT_ID,
    type: 'Microsoft.KeyVault/vaults',
    connections: [
      // secrets-audit is in audit mode: decided, recorded as shadow results, never written.
      { endpoint: 'pe-hub-secrets', suffix: '9fab4d1e-5a2c-4d7b-8e6f-a0b1c2d3e4fa', consumer: TRUSTED, ip: '10.20.3.5', requestMessage: 'INC000123 rotate keys', expected: 'shadow' },
      { endpoint: 'pe-x-secrets', suffix: 'b1cd6f3a-7c4e-4f9d-8a8b-c2d3e4f5a6bc', consumer: DENIED, ip: '10.99.2.5', requestMessage: 'CHG999999 need secrets', expected: 'shadow' },
    ],
  },
  ...BULK_TARGETS.map((id, index) => ({ id, type: 'Microsoft.Storage/storageAccounts', connections: bulkSeeds(index) })),
];

function endpointIdOf(seed: Seed): string {
  return `/subscriptions/${seed.consumer.subscription}/resourceGroups/${seed.consumer.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${seed.endpoint}`;
}

/** Every connection of the governed targets with the outcome policies/ should give it. */
export const E2E_PLAN: readonly PlannedConnection[] = TARGETS.flatMap((target) =>
  target.connections.map((seed) => ({
    id: `${target.id}/privateEndpointConnections/${seed.endpoint}.${seed.suffix}`,
    target: target.id,
    endpointId: endpointIdOf(seed),
    expected: seed.expected,
    status: seed.approved === true ? ('Approved' as const) : ('Pending' as const),
  })),
);

export function planFor(target: string): PlannedConnection[] {
  return E2E_PLAN.filter((c) => c.target.toLowerCase() === target.toLowerCase());
}

export function plannedConnection(id: string): PlannedConnection {
  const found = E2E_PLAN.find((c) => c.id.toLowerCase() === id.toLowerCase());
  if (found === undefined) throw new Error(`no planned connection ${id}`);
  return found;
}

/** The consumer endpoint of a bulk target's approved connection (a private endpoint write event names it). */
export function bulkHubEndpoint(index: number): string {
  return `/subscriptions/${TRUSTED_SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/privateEndpoints/pe-bulk-${String(index).padStart(2, '0')}-hub`;
}

/** A fresh copy each call: the emulator mutates the world it serves. */
export function e2eWorld(): World {
  return loadWorld({
    providers: [
      ...TARGETS.map((target) => ({
        id: target.id,
        type: target.type,
        location: 'westeurope',
        connections: target.connections.map((seed) => ({
          name: `${seed.endpoint}.${seed.suffix}`,
          privateEndpointId: endpointIdOf(seed),
          status: seed.approved === true ? 'Approved' : 'Pending',
          description: seed.approved === true ? 'Approved by the payments team' : seed.requestMessage,
        })),
      })),
      {
        id: UNGOVERNED_STORAGE,
        type: 'Microsoft.Storage/storageAccounts',
        location: 'westeurope',
        connections: [{ name: 'pe-partnerdata.c2de7a4b-8d5f-4a0e-9b9c-d3e4f5a6b7cd', privateEndpointId: UNGOVERNED_ENDPOINT, status: 'Pending', description: 'CHG123123 please' }],
      },
      // The Private Link Service the unmodified resource-notification fixture names (not governed).
      {
        id: FIXTURE_UNGOVERNED_PLS,
        type: 'Microsoft.Network/privateLinkServices',
        location: 'westeurope',
        connections: [{ name: 'pe-app-to-pls.1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90', privateEndpointId: FIXTURE_ENDPOINT, status: 'Pending', description: 'CHG004211 payments app' }],
      },
    ],
    endpoints: [
      ...TARGETS.flatMap((target) =>
        target.connections.map((seed) => ({
          id: endpointIdOf(seed),
          subnetId: seed.consumer.subnet,
          ipAddresses: [seed.ip],
          ...(seed.unreadable === true ? { readable: false } : {}),
          connectsTo: [{ targetId: target.id, manual: seed.manual ?? false, requestMessage: seed.requestMessage }],
        })),
      ),
      { id: UNGOVERNED_ENDPOINT, subnetId: PARTNER_SUBNET, ipAddresses: ['10.50.7.4'], connectsTo: [{ targetId: UNGOVERNED_STORAGE, manual: false, requestMessage: 'CHG123123 please' }] },
    ],
    tenants: { ...DEMO_TENANTS },
  });
}

/** The emulator's current status of a connection. */
export function statusIn(emulator: ArmEmulator, connectionId: string): string | undefined {
  const target = connectionId.slice(0, connectionId.toLowerCase().lastIndexOf('/privateendpointconnections/'));
  const name = connectionId.slice(connectionId.lastIndexOf('/') + 1).toLowerCase();
  const provider = emulator.world.providers.find((p) => p.id.toLowerCase() === target.toLowerCase());
  return provider?.connections.find((c) => c.name.toLowerCase() === name)?.status;
}

export interface OutcomeCheck {
  /** Event IDs that may appear as the trigger of the target's records. */
  eventIds: readonly string[];
  /** The runtime's policy revision, which every record must carry. */
  policyRevision: string;
}

/**
 * Everything that differs between what the emulator and the audit records show for one target
 * and what E2E_PLAN says policies/ decide: empty when the target was reconciled exactly as
 * planned (each decided write made once, each decision recorded once, nothing else touched).
 */
export function outcomeProblems(emulator: ArmEmulator, records: readonly AuditRecord[], target: string, check: OutcomeCheck): string[] {
  const problems: string[] = [];
  const mine = records.filter((r) => r.target.toLowerCase() === target.toLowerCase());
  const planned = planFor(target);
  if (planned.length === 0) problems.push(`no planned connections for ${target}`);
  for (const connection of planned) {
    const name = connection.id.slice(connection.id.lastIndexOf('/') + 1);
    const forIt = mine.filter((r) => r.connectionId.toLowerCase() === connection.id.toLowerCase());
    const writes = emulator.writesTo(connection.id);
    const status = statusIn(emulator, connection.id);
    const say = (problem: string): void => {
      problems.push(`${name} (${connection.expected}): ${problem}`);
    };
    if (connection.expected === 'untouched') {
      if (writes !== 0) say(`${writes} ARM write(s)`);
      if (forIt.length !== 0) say(`${forIt.length} audit record(s)`);
      if (status !== connection.status) say(`status ${status ?? '(missing)'}`);
      continue;
    }
    if (forIt.length !== 1) {
      say(`${forIt.length} audit records, expected 1`);
      continue;
    }
    const record = forIt[0]!;
    if (record.trigger.type !== 'event' || !check.eventIds.includes(record.trigger.eventId)) say(`trigger ${JSON.stringify(record.trigger)}`);
    if (record.policyRevision !== check.policyRevision) say(`policyRevision ${record.policyRevision}`);
    if (record.previousStatus !== 'Pending') say(`previousStatus ${record.previousStatus}`);
    if (record.privateEndpointId.toLowerCase() !== connection.endpointId.toLowerCase()) say(`privateEndpointId ${record.privateEndpointId}`);
    if (!record.idempotencyKey.startsWith(connection.id.toLowerCase() + '|')) say(`idempotencyKey ${record.idempotencyKey}`);
    if (connection.expected === 'approve' || connection.expected === 'reject') {
      const wanted = connection.expected === 'approve' ? 'Approved' : 'Rejected';
      if (writes !== 1) say(`${writes} ARM writes, expected 1`);
      if (status !== wanted) say(`status ${status ?? '(missing)'}, expected ${wanted}`);
      if (record.decision !== connection.expected) say(`decision ${record.decision}`);
      if (!record.enforced) say('not enforced');
      if (record.policy === null) say('no deciding policy');
      if (record.action.status !== 'succeeded') say(`action ${JSON.stringify(record.action)}`);
      if (record.action.httpStatus === undefined || record.action.httpStatus < 200 || record.action.httpStatus > 202) say(`httpStatus ${record.action.httpStatus}`);
      if (record.action.armRequestId === undefined) say('no armRequestId');
      if (record.reasons.length === 0) say('no reasons');
      continue;
    }
    if (writes !== 0) say(`${writes} ARM write(s), expected none`);
    if (status !== 'Pending') say(`status ${status ?? '(missing)'}, expected Pending`);
    if (record.action.status !== 'skipped') say(`action ${JSON.stringify(record.action)}`);
    if (connection.expected === 'manual') {
      if (record.decision !== 'manual' || record.policy === null || !record.enforced) say(`decision ${record.decision} by ${record.policy} enforced=${record.enforced}`);
    } else {
      // Audit mode: no enforcing policy; the trial policy's verdict is a shadow result.
      if (record.enforced) say('enforced in audit mode');
      if (record.shadow.length === 0) say('no shadow result');
    }
  }
  const plannedIds = new Set(planned.map((c) => c.id.toLowerCase()));
  for (const record of mine) if (!plannedIds.has(record.connectionId.toLowerCase())) problems.push(`unplanned record for ${record.connectionId}`);
  return problems;
}

/** ARM writes the plan expects for these targets once each is reconciled. */
export function plannedWrites(targets: readonly string[]): number {
  return targets.flatMap(planFor).filter((c) => c.expected === 'approve' || c.expected === 'reject').length;
}

/** The decision counts `linkgate serve` should answer for a first delivery naming these targets. */
export function plannedSummary(targets: readonly string[]): { approved: number; rejected: number; manual: number } {
  const planned = targets.flatMap(planFor);
  const count = (expected: Expected): number => planned.filter((c) => c.expected === expected).length;
  return { approved: count('approve'), rejected: count('reject'), manual: count('manual') };
}

/** Audit records the plan expects for these targets. */
export function plannedRecords(targets: readonly string[]): number {
  return targets.flatMap(planFor).filter((c) => c.expected !== 'untouched').length;
}

// ---------------------------------------------------------------------------------------------
// Configuration, stores and the running daemon.

export type E2eStore = { kind: 'file'; path?: string } | { kind: 'table'; connection: string; table?: string };

/** A table name no other test uses (letters and digits, starting with a letter). */
export function uniqueTableName(prefix = 'e2e'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** The environment a user would set to run linkgate against this emulator and store. */
export function linkgateEnv(emulator: Pick<ArmEmulator, 'url' | 'token'>, store: E2eStore, dir: string): Record<string, string> {
  const env: Record<string, string> = {
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_POLICY_DIR: POLICY_DIR,
    LINKGATE_PORT: '0',
    LINKGATE_LOG_LEVEL: 'silent',
  };
  if (store.kind === 'file') {
    env['LINKGATE_AUDIT_STORE'] = 'file';
    env['LINKGATE_AUDIT_PATH'] = store.path ?? join(dir, 'audit.jsonl');
  } else {
    env['LINKGATE_AUDIT_STORE'] = 'table';
    env['LINKGATE_AUDIT_TABLE_CONNECTION'] = store.connection;
    env['LINKGATE_AUDIT_TABLE'] = store.table ?? uniqueTableName();
  }
  return env;
}

/** All records in the configured store, newest first, read the way `linkgate audit` reads them. */
export async function readAuditRecords(audit: LinkgateConfig['audit']): Promise<AuditRecord[]> {
  const store = await openAuditStore(audit, { logger: silentLogger(), readOnly: true });
  try {
    const records: AuditRecord[] = [];
    for await (const record of store.query({})) records.push(record);
    return records;
  } finally {
    await store.close();
  }
}

export interface WebhookAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON, when it is JSON. */
  json: Record<string, unknown> | undefined;
}

export interface DeliverOptions {
  /** Default 'application/json' (Event Grid schema); CloudEvents use application/cloudevents(-batch)+json. */
  contentType?: string;
  /** Default 'Notification'. */
  eventType?: string;
  headers?: Record<string, string>;
  method?: 'POST' | 'OPTIONS';
}

/** One HTTP request to a webhook URL, as Event Grid sends it. */
export async function sendToWebhook(url: string, body: unknown, options: DeliverOptions & { dispatcher?: Agent } = {}): Promise<WebhookAnswer> {
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = { ...options.headers };
  if (method === 'POST') {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['aeg-event-type'] = options.eventType ?? 'Notification';
  }
  const response = await request(url, {
    method,
    headers,
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  const text = await response.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export interface E2eOptions {
  store?: E2eStore;
  /** Defaults to e2eWorld(). */
  world?: World;
  /** Extra emulator options (faults, buckets, …). */
  emulator?: Omit<ArmEmulatorOptions, 'world'>;
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** Default: silent, or pino JSON on stderr when LINKGATE_E2E_LOG is set (e.g. to debug). */
  logger?: Logger;
}

export interface E2eHarness {
  emulator: ArmEmulator;
  serve: ServeHandle;
  /** The environment linkgate was configured from (reuse it for `runCli`). */
  env: Record<string, string>;
  config: LinkgateConfig;
  /** Temporary folder owned by the harness (removed by close). */
  dir: string;
  /** `${serve.url}/runtime/webhooks/eventgrid`. */
  webhookUrl: string;
  deliver(body: unknown, options?: DeliverOptions): Promise<WebhookAnswer>;
  /** Every audit record, newest first (the store opened read-only, as `linkgate audit` does). */
  records(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

function defaultLogger(): Logger {
  const level = process.env['LINKGATE_E2E_LOG'];
  return level === undefined || level === '' ? silentLogger() : createLogger({ level });
}

/** Starts the emulator (with the world), then `linkgate serve` configured from the environment. */
export async function startE2e(options: E2eOptions = {}): Promise<E2eHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'linkgate-e2e-'));
  const emulator = await startArmEmulator({ ...options.emulator, world: options.world ?? e2eWorld() });
  const agent = new Agent({ connections: 8 });
  try {
    const env = { ...linkgateEnv(emulator, options.store ?? { kind: 'file' }, dir), ...options.env };
    const config = readConfig(env);
    const serve = await startServe(config, { logger: options.logger ?? defaultLogger() });
    const webhookUrl = serve.url + WEBHOOK_PATH;
    return {
      emulator,
      serve,
      env,
      config,
      dir,
      webhookUrl,
      deliver: (body, deliverOptions = {}) => sendToWebhook(webhookUrl, body, { ...deliverOptions, dispatcher: agent }),
      records: () => readAuditRecords(config.audit),
      async close() {
        await agent.close();
        await serve.close();
        await emulator.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await agent.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

/** Replaces every occurrence of `from` (case-insensitive) in every string of a JSON value. */
export function retarget<T>(value: T, from: string, to: string): T {
  const pattern = new RegExp(from.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'), 'giu');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(pattern, to);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  return walk(value) as T;
}

export const CLOUDEVENTS = 'application/cloudevents+json; charset=utf-8';
export const CLOUDEVENTS_BATCH = 'application/cloudevents-batch+json; charset=utf-8';
