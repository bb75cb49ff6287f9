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

const MAX_SCRUB_DEPTH = 4;

/**
 * Scrubs secrets out of the string values of a log object (a few levels deep): field values such
 * as an ARM error code or a request ID come from servers and may echo a header back. Only objects
 * and arrays are walked; anything else (errors are handled by the err serializer) is kept as is.
 */
export function scrubLogObject(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth >= MAX_SCRUB_DEPTH || typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => scrubLogObject(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubLogObject(item, depth + 1);
  return out;
}

export function createLogger(options: { level?: string; destination?: DestinationStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { app: 'linkgate' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubLogObject(object) as Record<string, unknown>,
      },
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
