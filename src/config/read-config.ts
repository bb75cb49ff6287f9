/**
 * Configuration (DESIGN §4): one pure function of the environment, read once at start-up.
 * Fails fast with every wrong variable named, what it holds and what it should hold.
 */
import { LinkgateError } from '../errors/linkgate-error.js';
import { isGuid } from '../ids/guid.js';
import { readNotifySettings, type NotifySettings } from '../notify/notify-settings.js';
import { isLoopbackHost } from '../util/loopback.js';
import { ARM_PROXY_TIMEOUT_MS, defaultLeaseSeconds, minimumLeaseMs } from '../pipeline/write-lease.js';

export type AuditStoreConfig =
  /** maxBytes: roll the file to audit.N.jsonl past this size (LINKGATE_AUDIT_MAX_BYTES); unset = never. */
  | { kind: 'file'; path: string; maxBytes?: number }
  /** timeoutMs: deadline of one store operation, retries included (LINKGATE_AUDIT_TABLE_TIMEOUT_MS). */
  | { kind: 'table'; connection: string; table: string; timeoutMs?: number };

export type SweepScope = { kind: 'subscription'; id: string } | { kind: 'managementGroup'; id: string };

export interface LinkgateConfig {
  policyDir: string;
  /** ARM base URL without a trailing slash. */
  armEndpoint: string;
  /** Static bearer token for emulators; undefined → DefaultAzureCredential. */
  armToken: string | undefined;
  audit: AuditStoreConfig;
  dryRun: boolean;
  host: string;
  port: number;
  /** Shared key required when `serve` binds to anything but loopback. */
  webhookKey: string | undefined;
  /** Concurrent targets per invocation. */
  concurrency: number;
  /**
   * Seconds an unfinished intent is owned by its writer before another reconcile may finish it:
   * by default the ARM client's worst case for one write plus ARM's proxy timeout plus a margin
   * (src/pipeline/write-lease.ts); never shorter than the worst case and proxy timeout.
   */
  leaseSeconds: number;
  /** Admission control of `serve` (src/host/admission.ts): events handled at once, deliveries open at once, answer deadline. */
  serve: { maxEvents: number; maxDeliveries: number; deadlineMs: number };
  sweep: {
    scopes: SweepScope[];
    /** NCRONTAB (six fields) for the Functions timer. */
    schedule: string;
    /** Act on drift (revoke approvals policy would reject, approve rejections it would approve). */
    revoke: boolean;
    /** Targets Resource Graph cannot see, read directly by the sweep. */
    extraTargets: string[];
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where notifications go (DESIGN §8); undefined when LINKGATE_NOTIFY_URL is unset. */
  notify: NotifySettings | undefined;
}

/** One wrong setting: the variable, the raw value read (undefined when unset) and what it should hold. */
export interface ConfigProblem {
  variable: string;
  value: string | undefined;
  text: string;
}

export class ConfigError extends LinkgateError {
  override name = 'ConfigError';
  /** The problems' texts, one per wrong variable. */
  readonly problems: string[];
  readonly details: readonly ConfigProblem[];
  constructor(details: readonly ConfigProblem[]) {
    const problems = details.map((d) => d.text);
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      code: 'ConfigInvalid',
      hint: 'set these in the environment or, for the CLI, under "Values" in local.settings.json in the working directory (the environment wins); see README "Configuration"',
      exitCode: 2,
    });
    this.problems = problems;
    this.details = details;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
// Six-field NCRONTAB as the Functions timer trigger expects: {second} {minute} {hour} {day} {month} {day-of-week}.
const NCRONTAB = /^\S+(\s+\S+){5}$/u;
const MANAGEMENT_GROUP = /^[A-Za-z0-9._()-]{1,90}$/u;

/** Shows a value in an error without ever echoing a secret. */
function shown(name: string, value: string): string {
  return /TOKEN|KEY|CONNECTION|STORAGE/iu.test(name) ? '(hidden)' : JSON.stringify(value);
}

/** The sweep timer's schedule when LINKGATE_SWEEP_SCHEDULE is unset: every 15 minutes. */
export const DEFAULT_SWEEP_SCHEDULE = '0 */15 * * * *';

/** LINKGATE_LEASE_SECONDS when unset: derived from the ARM client's default limits (360 s). */
export const DEFAULT_LEASE_SECONDS = defaultLeaseSeconds();

export function readConfig(env: Env): LinkgateConfig {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, text: string): void => {
    problems.push({ variable, value: env[variable]?.trim(), text });
  };
  // Readers kept in their own modules report plain texts that start with the variable's name.
  const texts: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const value = get(name);
    if (value === undefined) return fallback;
    if (/^(true|1|yes)$/iu.test(value)) return true;
    if (/^(false|0|no)$/iu.test(value)) return false;
    problem(name, `${name} is ${shown(name, value)}; it should be true or false`);
    return fallback;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = get(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problem(name, `${name} is ${shown(name, value)}; it should be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  };

  const policyDir = get('LINKGATE_POLICY_DIR') ?? './policies';

  let armEndpoint = get('LINKGATE_ARM_ENDPOINT') ?? 'https://management.azure.com';
  try {
    const url = new URL(armEndpoint);
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      problem('LINKGATE_ARM_ENDPOINT', `LINKGATE_ARM_ENDPOINT is ${shown('LINKGATE_ARM_ENDPOINT', armEndpoint)}; it should be an https:// URL (http:// only for an emulator on 127.0.0.1)`);
    }
    if (url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
      problem('LINKGATE_ARM_ENDPOINT', `LINKGATE_ARM_ENDPOINT is ${shown('LINKGATE_ARM_ENDPOINT', armEndpoint)}; it should be a bare origin such as https://management.azure.com`);
    }
    armEndpoint = url.origin;
  } catch {
    problem('LINKGATE_ARM_ENDPOINT', `LINKGATE_ARM_ENDPOINT is ${shown('LINKGATE_ARM_ENDPOINT', armEndpoint)}; it should be a URL such as https://management.azure.com`);
  }

  const armToken = get('LINKGATE_ARM_TOKEN');

  let audit: AuditStoreConfig;
  // In Azure (App Service sets WEBSITE_INSTANCE_ID) the app folder may be read-only or shared by
  // instances, so the file store is never a safe default there: Table Storage is.
  const store = get('LINKGATE_AUDIT_STORE') ?? (get('WEBSITE_INSTANCE_ID') === undefined ? 'file' : 'table');
  if (store === 'table') {
    const connection = get('LINKGATE_AUDIT_TABLE_CONNECTION') ?? get('AzureWebJobsStorage');
    const table = get('LINKGATE_AUDIT_TABLE') ?? 'linkgateaudit';
    if (connection === undefined) {
      problem('LINKGATE_AUDIT_TABLE_CONNECTION', 'LINKGATE_AUDIT_TABLE_CONNECTION is unset (and so is AzureWebJobsStorage); with LINKGATE_AUDIT_STORE=table it should be a storage connection string or https://<account>.table.core.windows.net');
    }
    if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/u.test(table)) {
      problem('LINKGATE_AUDIT_TABLE', `LINKGATE_AUDIT_TABLE is ${shown('LINKGATE_AUDIT_TABLE', table)}; it should be 3-63 letters and digits, starting with a letter`);
    }
    // Unset: the store's own deadlines (DEFAULT_TABLE_DEADLINES in src/audit/table-client.ts).
    const timeoutMs = get('LINKGATE_AUDIT_TABLE_TIMEOUT_MS') === undefined ? undefined : int('LINKGATE_AUDIT_TABLE_TIMEOUT_MS', 0, 100, 25_000);
    audit = { kind: 'table', connection: connection ?? '', table, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  } else {
    if (store !== 'file') problem('LINKGATE_AUDIT_STORE', `LINKGATE_AUDIT_STORE is ${shown('LINKGATE_AUDIT_STORE', store)}; it should be file or table`);
    const maxBytes = get('LINKGATE_AUDIT_MAX_BYTES') === undefined ? undefined : int('LINKGATE_AUDIT_MAX_BYTES', 0, 1024, Number.MAX_SAFE_INTEGER);
    audit = { kind: 'file', path: get('LINKGATE_AUDIT_PATH') ?? '.linkgate/audit.jsonl', ...(maxBytes === undefined ? {} : { maxBytes }) };
  }

  const host = get('LINKGATE_HOST') ?? '127.0.0.1';
  const port = int('LINKGATE_PORT', 7071, 0, 65535);

  const scopes: SweepScope[] = [];
  for (const raw of (get('LINKGATE_SWEEP_SCOPES') ?? '').split(/[\s,;]+/u).filter((s) => s !== '')) {
    const mg = /^(?:\/providers\/Microsoft\.Management\/managementGroups\/|mg:|managementGroups\/)(.+)$/iu.exec(raw);
    const sub = /^(?:\/subscriptions\/)?([^/]+)$/iu.exec(raw);
    if (mg?.[1] !== undefined && MANAGEMENT_GROUP.test(mg[1])) scopes.push({ kind: 'managementGroup', id: mg[1] });
    else if (sub?.[1] !== undefined && isGuid(sub[1])) scopes.push({ kind: 'subscription', id: sub[1].toLowerCase() });
    else problem('LINKGATE_SWEEP_SCOPES', `LINKGATE_SWEEP_SCOPES has ${JSON.stringify(raw)}; each entry should be a subscription GUID or mg:<management-group-id>`);
  }

  const extraTargets = (get('LINKGATE_SWEEP_TARGETS') ?? '').split(/[\s,;]+/u).filter((s) => s !== '');
  for (const target of extraTargets) {
    if (!target.startsWith('/subscriptions/')) {
      problem('LINKGATE_SWEEP_TARGETS', `LINKGATE_SWEEP_TARGETS has ${JSON.stringify(target)}; each entry should be a provider resource ID starting with /subscriptions/`);
    }
  }

  const schedule = get('LINKGATE_SWEEP_SCHEDULE') ?? DEFAULT_SWEEP_SCHEDULE;
  if (!NCRONTAB.test(schedule)) {
    problem('LINKGATE_SWEEP_SCHEDULE', `LINKGATE_SWEEP_SCHEDULE is ${JSON.stringify(schedule)}; it should be a six-field NCRONTAB such as "0 */15 * * * *"`);
  }

  // A claim taken over while its writer may still be writing could be written twice (most types
  // carry no etag to stop it): the lease is never shorter than the ARM client's worst case, and a
  // whole number under it is refused with that reason rather than a bare range.
  const leaseSeconds = (): number => {
    const shortest = Math.ceil(minimumLeaseMs() / 1000);
    const seconds = Number(get('LINKGATE_LEASE_SECONDS'));
    if (Number.isInteger(seconds) && seconds < shortest) {
      problem('LINKGATE_LEASE_SECONDS', `LINKGATE_LEASE_SECONDS is ${seconds}; it should be at least ${shortest}, the ARM client's worst case for one write: a write it starts may still land up to ${shortest} s later (its ${Math.round((minimumLeaseMs() - ARM_PROXY_TIMEOUT_MS) / 1000)} s write deadline plus ARM's ${ARM_PROXY_TIMEOUT_MS / 1000} s proxy timeout), and a claim taken over sooner could be written twice (default ${DEFAULT_LEASE_SECONDS})`);
      return DEFAULT_LEASE_SECONDS;
    }
    return int('LINKGATE_LEASE_SECONDS', DEFAULT_LEASE_SECONDS, shortest, 86_400);
  };

  const level = (get('LINKGATE_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problem('LINKGATE_LOG_LEVEL', `LINKGATE_LOG_LEVEL is ${JSON.stringify(level)}; it should be one of ${LOG_LEVELS.join(', ')}`);
  }

  const config: LinkgateConfig = {
    policyDir,
    armEndpoint,
    armToken,
    audit,
    dryRun: bool('LINKGATE_DRY_RUN', false),
    host,
    port,
    webhookKey: get('LINKGATE_WEBHOOK_KEY'),
    concurrency: int('LINKGATE_CONCURRENCY', 8, 1, 256),
    leaseSeconds: leaseSeconds(),
    serve: {
      maxEvents: int('LINKGATE_SERVE_MAX_EVENTS', 2_000, 1, 1_000_000),
      maxDeliveries: int('LINKGATE_SERVE_MAX_DELIVERIES', 32, 1, 10_000),
      // Event Grid waits 30 s for an answer; 25 s leaves room for the answer to travel.
      deadlineMs: int('LINKGATE_SERVE_DEADLINE_MS', 25_000, 100, 29_000),
    },
    sweep: { scopes, schedule, revoke: bool('LINKGATE_SWEEP_REVOKE', false), extraTargets },
    logLevel: level as LinkgateConfig['logLevel'],
    notify: readNotifySettings(get, texts),
  };
  for (const text of texts) problem(/^[A-Za-z_][A-Za-z0-9_]*/u.exec(text)?.[0] ?? '', text);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
