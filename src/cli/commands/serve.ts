/**
 * `linkgate serve` (npm start): the local Event Grid webhook host, the same protocol and path as
 * Azure Functions Core Tools. Runs until SIGINT/SIGTERM, then finishes in-flight work.
 */
import { readConfig } from '../../config/read-config.js';
import { createLogger } from '../../log/create-logger.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';

export const HELP = `Usage: linkgate serve [--port N] [--host ADDR] [--policies DIR] [--dry-run]

The local Event Grid webhook host (npm start). POST deliveries to
  http://127.0.0.1:PORT/runtime/webhooks/eventgrid[?functionName=connection-events]
(the path Azure Functions Core Tools uses), in the Event Grid or CloudEvents 1.0 schema.
Handles the SubscriptionValidation and CloudEvents OPTIONS handshakes. Logs are pino JSON.

Options:
  --port N         port (default: $LINKGATE_PORT or 7071; 0 picks a free one)
  --host ADDR      bind address (default: $LINKGATE_HOST or 127.0.0.1; any other address
                   requires LINKGATE_WEBHOOK_KEY)
  --policies DIR   policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --dry-run        decide and record, write nothing to ARM (LINKGATE_DRY_RUN=true)
  --help           this help

Configuration: see README "Configuration" (LINKGATE_ARM_ENDPOINT, LINKGATE_ARM_TOKEN, LINKGATE_AUDIT_*, ...).
Stop with Ctrl-C: in-flight deliveries finish first.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      policies: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const env = { ...io.env };
  if (values.port !== undefined) env['LINKGATE_PORT'] = values.port;
  if (values.host !== undefined) env['LINKGATE_HOST'] = values.host;
  if (values.policies !== undefined) env['LINKGATE_POLICY_DIR'] = values.policies;
  if (values['dry-run'] === true) env['LINKGATE_DRY_RUN'] = 'true';
  const config = readConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const { startServe } = await import('../../host/start-serve.js');
  const { withPortExplained } = await import('../listen-error.js');
  const handle = await withPortExplained(config.port, 'pass --port N or set LINKGATE_PORT (0 picks a free port)', () => startServe(config, { logger }));
  io.stderr.write(`linkgate serve: listening on ${handle.url}/runtime/webhooks/eventgrid (Ctrl-C to stop)\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'shutting down: finishing in-flight deliveries');
      handle.close().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT_OK;
}
