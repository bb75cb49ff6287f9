/**
 * pino, configured once: JSON lines, secrets redacted wherever they could appear (request
 * headers, tokens, connection strings), and a plain `Logger` type the rest of the code depends on
 * so tests can pass a capturing logger.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Paths pino censors; `*.x` covers one level of nesting, which is how our log objects are shaped. */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-functions-key"]',
  'req.headers["aeg-sas-key"]',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'armToken',
  '*.armToken',
  'connectionString',
  '*.connectionString',
  'webhookKey',
  '*.webhookKey',
];

/** Scrubs secrets that hide inside free text (error messages, URLs): bearer tokens, account keys, SAS signatures, ?code=. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/giu, '$1[redacted]')
    .replace(/(AccountKey=)[^;\s"]+/giu, '$1[redacted]')
    .replace(/(SharedAccessSignature=|[?&]sig=)[^;&\s"]+/giu, '$1[redacted]')
    .replace(/([?&]code=)[^&\s"]+/giu, '$1[redacted]');
}

export function createLogger(options: { level?: string; destination?: DestinationStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { app: 'linkgate' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // The last line of defence for secrets inside messages and error texts.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (error: unknown) => {
          const serialized = pino.stdSerializers.err(error as Error);
          serialized.message = scrubSecrets(serialized.message);
          if (typeof serialized.stack === 'string') serialized.stack = scrubSecrets(serialized.stack);
          return serialized;
        },
      },
    },
    options.destination,
  );
}

/** A logger that drops everything, for library calls without a logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
