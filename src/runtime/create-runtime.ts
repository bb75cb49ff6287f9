/**
 * Wires the adapters together from configuration: policies (loaded, validated, compiled once),
 * the ARM client, the audit store and the logger. Every host (Functions, `linkgate serve`,
 * `linkgate reconcile`, the demo) builds one of these; heavy modules are imported lazily so a
 * Functions cold start pays only for what it uses.
 */
import type { TokenCredential } from '@azure/identity';
import type { Dispatcher } from 'undici';
import type { ArmClient } from '../arm/types.js';
import type { Notifier, NotifierOptions } from '../notify/create-notifier.js';
import type { AuditStore } from '../audit/types.js';
import { readConfig, type LinkgateConfig } from '../config/read-config.js';
import { policyDirFor, thisAppRoot } from './app-root.js';
import { checkArmCredential } from './check-credential.js';
import { createLogger, type Logger } from '../log/create-logger.js';
import type { PipelineDeps } from '../pipeline/handle-events.js';
import { defaultReconcileClock } from '../pipeline/handle-events.js';
import type { CompiledPolicySet } from '../policy/compile-policies.js';
import type { PolicySet } from '../policy/types.js';

export interface Runtime {
  config: LinkgateConfig;
  logger: Logger;
  policySet: PolicySet;
  policies: CompiledPolicySet;
  arm: ArmClient;
  store: AuditStore;
  /** Set when LINKGATE_NOTIFY_URL is: the store then notifies once per finished record. */
  notifier: Notifier | undefined;
  pipeline: PipelineDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** undici dispatcher for ARM (tests inject one). */
  dispatcher?: Dispatcher;
  /** Overrides for the ARM client (e.g. pacing in tests and benchmarks). */
  armOptions?: Record<string, unknown>;
  /** Overrides for the notifier (tests inject a dispatcher or a sleep). */
  notifyOptions?: Omit<NotifierOptions, 'logger'>;
  /** The ARM credential when LINKGATE_ARM_TOKEN is unset; DefaultAzureCredential otherwise. */
  credential?: TokenCredential;
  /** The pipeline's clock (leases, retry backoff); default the wall clock. */
  now?: () => Date;
}

/** The static token, or a credential that has just produced a token (so a missing login stops start-up). */
async function armCredential(config: LinkgateConfig, supplied: TokenCredential | undefined): Promise<{ token: string } | TokenCredential> {
  if (config.armToken !== undefined) return { token: config.armToken };
  const credential = supplied ?? new (await import('@azure/identity')).DefaultAzureCredential();
  await checkArmCredential(credential, `${config.armEndpoint}/.default`, supplied === undefined ? 'DefaultAzureCredential' : 'the supplied credential');
  return credential;
}

export async function createRuntime(config: LinkgateConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { createArmClient }, { openAuditStore }] = await Promise.all([
    import('../policy/load-policies.js'),
    import('../policy/compile-policies.js'),
    import('../arm/arm-client.js'),
    import('../audit/open-audit-store.js'),
  ]);
  const policySet = await loadPolicySetOrThrow(config.policyDir);
  const policies = compilePolicies(policySet);
  const arm = createArmClient({
    endpoint: config.armEndpoint,
    credential: await armCredential(config, options.credential),
    logger,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...options.armOptions,
  });
  const opened = await openAuditStore(config.audit, { logger });
  let notifier: Notifier | undefined;
  let store = opened;
  if (config.notify !== undefined) {
    const [{ createNotifier }, { notifyingAuditStore }] = await Promise.all([import('../notify/create-notifier.js'), import('../notify/notifying-audit-store.js')]);
    notifier = createNotifier(config.notify, { logger, ...options.notifyOptions });
    store = notifyingAuditStore(opened, notifier);
  }
  logger.info({ policies: policies.policyNames, revision: policies.revision, auditStore: config.audit.kind, dryRun: config.dryRun }, 'linkgate runtime ready');
  const pipeline: PipelineDeps = {
    arm,
    store,
    policies,
    logger,
    dryRun: config.dryRun,
    leaseMs: config.leaseSeconds * 1000,
    concurrency: config.concurrency,
    ...defaultReconcileClock(),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  return {
    config,
    logger,
    policySet,
    policies,
    arm,
    store,
    notifier,
    pipeline,
    async close() {
      // Deliveries in flight finish (each is bounded) before the process may go.
      await notifier?.drain();
      await Promise.allSettled([arm.close(), store.close()]);
    },
  };
}

let shared: Promise<Runtime> | undefined;

/** Closes the worker's runtime, if one was built (the Functions host's appTerminate hook). */
export async function closeSharedRuntime(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current === undefined) return;
  const runtime = await current.catch(() => undefined);
  await runtime?.close();
}

/**
 * One runtime per Functions worker process, built on first use from the app settings. A failed
 * start is not cached, so the next invocation tries again (and logs why it failed). A relative
 * policy folder is the app's, not the worker's working directory's (see app-root.ts).
 */
export function sharedRuntime(env: Readonly<Record<string, string | undefined>> = process.env): Promise<Runtime> {
  if (shared === undefined) {
    const settings = { ...env, LINKGATE_POLICY_DIR: policyDirFor(env['LINKGATE_POLICY_DIR'], thisAppRoot()) };
    const starting = (async () => createRuntime(readConfig(settings)))();
    shared = starting;
    starting.catch(() => {
      if (shared === starting) shared = undefined;
    });
  }
  return shared;
}
