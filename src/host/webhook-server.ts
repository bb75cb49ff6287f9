/**
 * The Event Grid webhook protocol on node:http, at the path Azure Functions Core Tools uses
 * (`/runtime/webhooks/eventgrid`), so one sender works against `func start` and `linkgate serve`.
 *
 * - SubscriptionValidation handshake → 200 {"validationResponse": code}
 * - CloudEvents abuse-protection handshake: OPTIONS + WebHook-Request-Origin → WebHook-Allowed-Origin
 * - Notifications in both schemas → 200 only once the batch is handled; 503 when a retry could help
 * - 400 with a reason for a malformed body, 413 over the size limit, 401 without the shared key
 * - 503 with Retry-After at once when admission control refuses the delivery (admission.ts), and
 *   at the deadline when a batch is not finished by then (its work goes on and is still recorded)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDelivery, validationCodeOf, type DeliveredEvent } from '../intake/parse-delivery.js';
import { parseJsonSafely } from '../intake/parse-json-safely.js';
import type { Logger } from '../log/create-logger.js';
import { errorSummary } from '../pipeline/classify-error.js';
import { createAdmission, RETRY_AFTER_SECONDS, type Admission, type AdmissionLimits } from './admission.js';
import { lateDeliveryError, runWithDeadline, unfinishedWork, type DeadlineTimer } from './deliver-within-deadline.js';

export const WEBHOOK_PATH = '/runtime/webhooks/eventgrid';

/**
 * Whether a request path is the webhook. Microsoft's docs print both `/runtime/webhooks/eventgrid`
 * and `/runtime/webhooks/EventGrid` (the Functions trigger templates), and senders append a
 * slash (learn.microsoft.com/azure/azure-functions/event-grid-how-tos): match case-insensitively
 * with at most one trailing slash, or the validation handshake fails with a 404.
 */
export function isWebhookPath(pathname: string): boolean {
  const path = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return path.toLowerCase() === WEBHOOK_PATH;
}
export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookResult {
  /** Summary returned in the 200 body. */
  summary: Record<string, unknown>;
}

export interface DeliveryContext {
  /** Aborted at the delivery's deadline: start no new work (the answer has gone out as 503). */
  signal: AbortSignal;
}

/** Defaults of LINKGATE_SERVE_MAX_EVENTS, _MAX_DELIVERIES and _DEADLINE_MS (src/config/read-config.ts). */
export const DEFAULT_SERVE_LIMITS: AdmissionLimits & { deadlineMs: number } = { maxEvents: 2_000, maxDeliveries: 32, deadlineMs: 25_000 };

export interface WebhookServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Handles a parsed batch; throws to make Event Grid redeliver (answered 503). */
  handle: (events: DeliveredEvent[], context: DeliveryContext) => Promise<WebhookResult>;
  /** Admission bounds and the answer deadline (default DEFAULT_SERVE_LIMITS). */
  limits?: Partial<AdmissionLimits & { deadlineMs: number }>;
  /** Required on every request when set: `x-functions-key` / `aeg-sas-key` header or `?code=`. */
  key?: string | undefined;
  maxBodyBytes?: number;
  /** Extra fields for GET /healthz (e.g. the policy revision in use). */
  health?: () => Record<string, unknown>;
  /** Starts each delivery's answer deadline (tests fire it themselves). */
  timer?: DeadlineTimer;
}

export interface WebhookServer {
  url: string;
  server: Server;
  admission: Admission;
  /** Stops accepting, lets in-flight deliveries finish, then resolves. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison (digests first, so lengths never leak). */
export function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `body of ${declared} bytes exceeds the ${limit}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new HttpError(413, `body exceeds the ${limit}-byte limit`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.logger;
  const inFlight = unfinishedWork();
  const limits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const admission = createAdmission(limits);
  const refuse = (res: ServerResponse, why: string): void => {
    log.warn({ inFlight: admission.inFlight, reason: why }, 'delivery refused: overloaded; Event Grid will retry');
    send(res, 503, { error: `overloaded: ${why}; retry later` }, { 'retry-after': String(RETRY_AFTER_SECONDS), connection: 'close' });
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') return send(res, 200, { status: 'ok', ...options.health?.() });
    if (!isWebhookPath(url.pathname)) return send(res, 404, { error: `not found; Event Grid deliveries go to ${WEBHOOK_PATH}` });
    if (options.key !== undefined) {
      const given = headerValue(req, 'x-functions-key') ?? headerValue(req, 'aeg-sas-key') ?? url.searchParams.get('code') ?? undefined;
      if (!keyMatches(given, options.key)) {
        // Drain the body so the client sees the answer rather than a reset.
        req.resume();
        return send(res, 401, { error: 'missing or wrong key: send it as x-functions-key, aeg-sas-key or ?code=' });
      }
    }
    if (req.method === 'OPTIONS') {
      const origin = headerValue(req, 'webhook-request-origin');
      if (origin === undefined) return send(res, 400, { error: 'OPTIONS needs a WebHook-Request-Origin header (CloudEvents abuse protection)' });
      res.writeHead(200, { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*', allow: 'POST, OPTIONS' });
      res.end();
      return;
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST (or OPTIONS for the CloudEvents handshake)' }, { allow: 'POST, OPTIONS' });
    // Refused before its body is read: a flood costs no parsing.
    if (!admission.enterDelivery()) return refuse(res, `${limits.maxDeliveries} deliveries already open`);
    try {
      await handleDelivery(req, res);
    } finally {
      admission.leaveDelivery();
    }
  };

  const handleDelivery = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req, limit);
    const parsed = parseJsonSafely(text);
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    const eventType = headerValue(req, 'aeg-event-type');
    const code = validationCodeOf(parsed.value);
    if (code !== undefined) {
      log.info({ eventType }, 'Event Grid subscription validation handshake');
      return send(res, 200, { validationResponse: code });
    }
    if (eventType === 'SubscriptionValidation') throw new HttpError(400, 'SubscriptionValidation without a validation code');

    const delivery = await parseDelivery(parsed.value, headerValue(req, 'content-type'));
    if (!delivery.ok) throw new HttpError(400, delivery.error);
    const { events, rejected } = delivery.delivery;
    for (const bad of rejected) log.warn({ eventId: bad.id, index: bad.index, reason: bad.error }, 'malformed event skipped');
    if (events.length === 0 && rejected.length > 0) throw new HttpError(400, `no valid event in the delivery: ${rejected[0]?.error ?? ''}`);
    if (!admission.admitEvents(events.length)) return refuse(res, `${admission.inFlight.events} events in flight, bound ${limits.maxEvents}`);
    const started = Date.now();
    // The work keeps its event slots until it has really finished, answered or not.
    const run = runWithDeadline(
      async (signal) => {
        try {
          return await options.handle(events, { signal });
        } finally {
          admission.releaseEvents(events.length);
        }
      },
      limits.deadlineMs,
      options.timer,
    );
    inFlight.track(run.settled);
    const outcome = await run.outcome;
    const eventIds = events.map((e) => e.id);
    if (outcome.kind === 'late') {
      log.warn({ eventIds, deadlineMs: limits.deadlineMs }, 'delivery not finished by its deadline: answered 503, its work goes on and is recorded; Event Grid will retry');
      return send(res, 503, { error: lateDeliveryError(limits.deadlineMs).message }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    if (outcome.kind === 'failed') {
      log.error({ err: outcome.error, eventIds }, 'delivery failed; Event Grid will retry');
      return send(res, 503, { error: errorSummary(outcome.error) }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    log.info({ eventIds, durationMs: Date.now() - started }, 'delivery handled');
    // `malformed`, not `rejected`: the summary's `rejected` counts connections linkgate rejected.
    return send(res, 200, { ...outcome.result.summary, malformed: rejected.length });
  };

  const server = createServer((req, res) => {
    const work = handleRequest(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'internal error';
      if (status >= 500) log.error({ err: error }, 'request failed');
      else log.warn({ status, reason: message }, 'request refused');
      if (!res.headersSent) {
        send(res, status, { error: message }, status === 413 ? { connection: 'close' } : {});
      } else res.end();
      // Unread bodies (413) must not keep the socket busy.
      req.resume();
    });
    inFlight.track(work);
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    server,
    admission,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Work answered 503 at its deadline is still running: wait for it too, and for work it started meanwhile.
      await inFlight.settled();
      server.closeAllConnections();
      await closed;
    },
  };
}
