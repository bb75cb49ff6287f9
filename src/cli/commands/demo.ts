/**
 * `linkgate demo` (npm run demo): the whole product on one laptop, no Azure needed. Starts the
 * local ARM emulator with a small seeded world, `linkgate serve` against it, delivers real-shaped
 * Event Grid notifications (both schemas, a handshake and a duplicate), then prints every
 * connection with its consumer, decision, deciding policy and reason, and where the audit is.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_FAILED, EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';
import { renderTable } from '../render-table.js';

export const HELP = `Usage: linkgate demo [--policies DIR] [--audit FILE] [--verbose]

Runs linkgate end to end without Azure: the local ARM emulator (a test double of Azure Resource
Manager) seeded with three provider resources and their Pending connections, linkgate serve
against it, and Event Grid notifications shaped exactly like Azure's. Prints a table of every
connection with its consumer, decision, deciding policy and reason, and leaves the audit file.

Options:
  --policies DIR  policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --audit FILE    audit file (default: .linkgate/demo-audit.jsonl, replaced on each run)
  --verbose       show linkgate's JSON logs on stderr
  --help          this help
`;

interface Delivery {
  label: string;
  body: unknown;
  contentType?: string;
  eventType?: string;
  /** A redelivery of an earlier event: the demo checks that it wrote nothing. */
  duplicate?: boolean;
}

function short(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    policies: { type: 'string' },
    audit: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const started = Date.now();
  const [{ startArmEmulator }, world, events, { readConfig }, { createLogger }, { startServe }] = await Promise.all([
    import('../../../emulator/arm-emulator.js'),
    import('../../../emulator/demo-world.js'),
    import('../../demo/demo-events.js'),
    import('../../config/read-config.js'),
    import('../../log/create-logger.js'),
    import('../../host/start-serve.js'),
  ]);
  const auditPath = path.resolve(io.cwd, values.audit ?? '.linkgate/demo-audit.jsonl');
  await mkdir(path.dirname(auditPath), { recursive: true });
  await rm(auditPath, { force: true });

  const emulator = await startArmEmulator({ world: world.demoWorld() });
  const config = readConfig({
    LINKGATE_ARM_ENDPOINT: emulator.url,
    LINKGATE_ARM_TOKEN: emulator.token,
    LINKGATE_POLICY_DIR: path.resolve(io.cwd, policyDir(values.policies, io)),
    LINKGATE_AUDIT_STORE: 'file',
    LINKGATE_AUDIT_PATH: auditPath,
    LINKGATE_PORT: '0',
    LINKGATE_LOG_LEVEL: values.verbose === true ? 'info' : 'warn',
  });
  const logger = createLogger({ level: config.logLevel, destination: io.stderr });
  const out = (line = ''): void => {
    io.stdout.write(line + '\n');
  };
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    // The emulator answers 202 + polling for the key vault; poll briskly so the demo stays quick.
    serve = await startServe(config, { logger, armOptions: { pollIntervalMs: 50 } });
    const webhook = `${serve.url}/runtime/webhooks/eventgrid?functionName=connection-events`;
    out(`linkgate demo: ARM emulator at ${emulator.url}, linkgate serve at ${serve.url}`);
    out(`policies: ${serve.runtime.policies.policyNames.join(', ')} (revision ${serve.runtime.policies.revision})`);
    out();

    const [plsConnection, storageConnection] = [world.DEMO_CONNECTION_IDS[0]!, world.DEMO_CONNECTION_IDS[4]!];
    const proxyOf = (connectionId: string): string => connectionId.replace('/privateEndpointConnections/', '/privateEndpointConnectionProxies/');
    const deliveries: Delivery[] = [
      { label: 'subscription validation handshake', body: events.subscriptionValidationEvent('demo-validation-code'), eventType: 'SubscriptionValidation' },
      {
        label: 'Private Link Service connection written (Event Grid schema)',
        body: [events.resourceWriteSuccessEvent({ resourceUri: plsConnection, operationName: 'Microsoft.Network/privateLinkServices/privateEndpointConnections/write' })],
      },
      {
        label: 'storage connection proxy written (CloudEvents 1.0)',
        body: events.resourceWriteSuccessCloudEvent({ resourceUri: proxyOf(storageConnection), operationName: 'Microsoft.Storage/storageAccounts/privateEndpointConnectionProxies/write' }),
        contentType: 'application/cloudevents+json; charset=utf-8',
      },
      {
        label: 'key vault updated (resource notifications, CloudEvents)',
        body: events.resourceCreatedOrUpdatedCloudEvent({ id: world.KEYVAULT_ID, type: 'Microsoft.KeyVault/vaults', location: 'westeurope' }),
        contentType: 'application/cloudevents+json; charset=utf-8',
      },
      {
        label: 'the same storage event again (Event Grid delivers at least once)',
        duplicate: true,
        body: [events.resourceWriteSuccessEvent({ resourceUri: proxyOf(storageConnection), operationName: 'Microsoft.Storage/storageAccounts/privateEndpointConnectionProxies/write' })],
      },
    ];
    const writesBefore: number[] = [];
    let duplicateWrites = 0;
    for (const delivery of deliveries) {
      writesBefore.push(emulator.writes());
      const response = await fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': delivery.contentType ?? 'application/json', 'aeg-event-type': delivery.eventType ?? 'Notification' },
        body: JSON.stringify(delivery.body),
      });
      const text = await response.text();
      const writes = emulator.writes() - (writesBefore[writesBefore.length - 1] ?? 0);
      if (delivery.duplicate === true) duplicateWrites += writes;
      out(`→ ${delivery.label}: HTTP ${response.status}${delivery.eventType === 'SubscriptionValidation' ? ` ${text}` : `, ${writes} ARM write(s)`}`);
      if (response.status >= 300) {
        out(`  ${text}`);
        return EXIT_FAILED;
      }
    }
    out();

    // Join the emulator's live state with the audit records: one row per connection.
    const { openAuditStore } = await import('../../audit/open-audit-store.js');
    const store = await openAuditStore({ ...config.audit }, { logger, readOnly: true });
    const latest = new Map<string, { decision: string; policy: string | null; reason: string; shadow: string }>();
    try {
      for await (const record of store.query({})) {
        const key = record.connectionId.toLowerCase();
        if (latest.has(key)) continue;
        // For a held approval the telling reason is why it was held, not the rule that matched.
        const reasons = record.decision === 'manual' && record.reasons.length > 1 ? record.reasons.slice(1) : record.reasons;
        latest.set(key, {
          decision: record.decision === 'ignore' ? 'none (audit mode only)' : record.decision + (record.enforced ? '' : ' (not enforced)'),
          policy: record.policy,
          reason: reasons.join('; '),
          shadow: record.shadow.map((s) => `${s.policy}: ${s.decision}`).join(', '),
        });
      }
    } finally {
      await store.close();
    }
    const rows: string[][] = [];
    for (const provider of emulator.world.providers) {
      for (const connection of provider.connections) {
        const id = `${provider.id}/privateEndpointConnections/${connection.name}`;
        const audited = latest.get(id.toLowerCase());
        rows.push([
          short(provider.id),
          connection.name.split('.')[0] ?? connection.name,
          connection.privateEndpointId.split('/')[2]?.slice(0, 8) ?? '?',
          connection.status,
          audited?.decision ?? (connection.status === 'Pending' ? 'manual (left Pending)' : 'not Pending: untouched'),
          audited?.policy ?? (audited?.shadow ? `shadow: ${audited.shadow}` : '-'),
          audited?.reason ?? '',
        ]);
      }
    }
    out(renderTable(['target', 'connection', 'consumer', 'ARM status now', 'decision', 'policy', 'reason'], rows, 64));
    out();
    // Said only when it is so: the emulator counted the duplicate delivery's writes.
    if (duplicateWrites > 0) {
      out(`${emulator.writes()} ARM write(s) in total; the duplicate delivery wrote ${duplicateWrites} time(s): a decision was carried out twice`);
      return EXIT_FAILED;
    }
    out(`${emulator.writes()} ARM write(s) in total; the duplicate delivery wrote nothing.`);
    out(`audit: ${path.relative(io.cwd, auditPath)} (read it with: LINKGATE_AUDIT_PATH=${path.relative(io.cwd, auditPath)} npx linkgate audit list)`);
    out(`next: edit policies/*.json, then npx linkgate validate && npx linkgate test; npx linkgate explain --help`);
    out(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return EXIT_OK;
  } finally {
    await serve?.close();
    await emulator.close();
  }
}
