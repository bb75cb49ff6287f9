/**
 * `linkgate serve` as a library: the runtime (policies, ARM client, audit store) behind the
 * Event Grid webhook server. The CLI command, the demo and the tests all start it through here.
 */
import type { LinkgateConfig } from '../config/read-config.js';
import { LinkgateError } from '../errors/linkgate-error.js';
import type { Logger } from '../log/create-logger.js';
import { handleEventsOrThrow } from '../pipeline/handle-events.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/create-runtime.js';
import { armWithDeadline } from './arm-with-deadline.js';
import { watchRuntimePolicies, type PolicyWatcher } from '../runtime/watch-policies.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';
import { isLoopbackHost } from '../util/loopback.js';

export interface ServeHandle {
  url: string;
  runtime: Runtime;
  server: WebhookServer;
  /** Reloads the policy folder when it changes (see watch-policies.ts). */
  policyWatcher: PolicyWatcher;
  /** Finishes in-flight deliveries, then closes the ARM client and the audit store. */
  close(): Promise<void>;
}

export { isLoopbackHost } from '../util/loopback.js';

/** Anything reachable from other machines must be protected by a shared key. */
export function assertSafeBinding(config: Pick<LinkgateConfig, 'host' | 'webhookKey'>): void {
  if (!isLoopbackHost(config.host) && (config.webhookKey === undefined || config.webhookKey.length < 16)) {
    throw new LinkgateError(`refusing to listen on ${config.host} without a webhook key`, {
      hint: 'set LINKGATE_WEBHOOK_KEY to a random secret of at least 16 characters (senders pass it as x-functions-key or ?code=), or bind to 127.0.0.1',
      exitCode: 2,
    });
  }
}

export async function startServe(config: LinkgateConfig, options: RuntimeOptions & { logger: Logger }): Promise<ServeHandle> {
  assertSafeBinding(config);
  const runtime = await createRuntime(config, options);
  const policyWatcher = watchRuntimePolicies(runtime);
  let server: WebhookServer;
  try {
    server = await startWebhookServer({
      host: config.host,
      port: config.port,
      logger: runtime.logger,
      key: config.webhookKey,
      health: () => ({ policyRevision: runtime.policies.revision }),
      limits: config.serve,
      handle: async (events, { signal }) => {
        // Past the deadline this delivery starts no new ARM work (arm-with-deadline.ts).
        const outcome = await handleEventsOrThrow(events, { ...runtime.pipeline, arm: armWithDeadline(runtime.pipeline.arm, signal) });
        const totals = { targets: outcome.targets.length, approved: 0, rejected: 0, wouldApprove: 0, wouldReject: 0, manual: 0, owned: 0, failed: 0 };
        for (const target of outcome.targets) {
          totals.approved += target.results.approved;
          totals.rejected += target.results.rejected;
          totals.manual += target.results.manual;
          totals.wouldApprove += target.results.wouldApprove;
          totals.wouldReject += target.results.wouldReject;
          totals.owned += target.results.owned;
          totals.failed += target.results.failed;
        }
        return { summary: { events: outcome.events, ignored: outcome.ignored, ...totals, errors: outcome.errors.length } };
      },
    });
  } catch (error) {
    policyWatcher.close();
    await runtime.close();
    throw error;
  }
  runtime.logger.info({ url: server.url, dryRun: config.dryRun }, `linkgate serve listening on ${server.url}/runtime/webhooks/eventgrid`);
  return {
    url: server.url,
    runtime,
    server,
    policyWatcher,
    async close() {
      policyWatcher.close();
      await server.close();
      await runtime.close();
    },
  };
}
