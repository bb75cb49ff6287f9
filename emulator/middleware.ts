/**
 * What every request meets before and after its handler, in ARM's order: injected faults, bearer
 * token (401 with the tenant's authorization_uri), api-version, body size and JSON, token buckets
 * and the Resource Graph quota; then the answer with ARM's request-ID headers, logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armError, subscriptionOfPath, type Answer } from './arm-answer.js';
import { faultAnswer, faultDelayMs, type FaultRules } from './fault-rules.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import { operationOf, type Route } from './routes.js';
import { bucketKindOf, type GraphQuotaWindow, type SubscriptionBuckets } from './token-buckets.js';
import type { RoutedRequest } from './dispatch.js';
import type { WorldIndex } from './world-index.js';

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview|-beta)?$/u;
const MAX_BODY_BYTES = 1024 * 1024;

export interface MiddlewareDeps {
  token: string;
  now: () => number;
  faults: FaultRules;
  requestLog: RequestLog;
  buckets: SubscriptionBuckets;
  graphQuota: GraphQuotaWindow;
  index: WorldIndex;
  route: (path: string) => Route;
  handler: (request: RoutedRequest) => Answer;
  /** Waits ms on a timer the emulator clears when it closes. */
  sleep: (ms: number) => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** ARM's 401, whose authorization_uri names the subscription's home tenant (how linkgate learns it). */
function unauthenticated(authorization: string | undefined, tenant: string | undefined): Answer {
  const missing = authorization === undefined;
  const description = missing ? "The authentication failed because of missing 'Authorization' header." : 'The access token is invalid.';
  return armError(401, missing ? 'AuthenticationFailed' : 'InvalidAuthenticationToken', description, {
    'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenant ?? 'common'}", error="invalid_token", error_description="${description}"`,
  });
}

/** Resolves once the client has closed the connection (at once if it already has). */
function clientGone(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

export function createRequestHandler(deps: MiddlewareDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { requestLog } = deps;
  const { stats } = requestLog;
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/u, '') : url.pathname;
    const requestId = randomUUID();
    const correlationHeader = req.headers['x-ms-correlation-request-id'];
    const correlationId = typeof correlationHeader === 'string' && correlationHeader !== '' ? correlationHeader : randomUUID();
    const apiVersion = url.searchParams.get('api-version') ?? undefined;
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    const raw = await readBody(req);
    const r = deps.route(path);
    const operation = operationOf(method, r);
    const entry: RequestLogEntry = { method, path, query: url.search, operation, status: 0, time: new Date(deps.now()).toISOString(), requestId };
    if (apiVersion !== undefined) entry.apiVersion = apiVersion;
    if (ifMatch !== undefined) entry.ifMatch = ifMatch;

    let body: unknown;
    let badJson = false;
    if (raw !== 'too-large' && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown;
        entry.body = body;
      } catch {
        badJson = true;
      }
    }

    const send = (answer: Answer): void => {
      entry.status = answer.status;
      requestLog.add(entry);
      const headers: Record<string, string> = {
        'x-ms-request-id': requestId,
        'x-ms-correlation-request-id': correlationId,
        ...(answer.headers ?? {}),
      };
      const clientRequestId = req.headers['x-ms-client-request-id'];
      if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
      if (answer.body === undefined) {
        res.writeHead(answer.status, { ...headers, 'content-length': '0' });
        res.end();
        return;
      }
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };

    const fault = deps.faults.pick(method, path, operation);
    if (fault !== undefined) {
      stats.faultsInjected++;
      entry.fault = fault.kind;
      if (fault.kind === 'reset') {
        requestLog.add(entry);
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        send(faultAnswer(fault));
        return;
      }
      if (fault.kind === 'timeout') await clientGone(req, res);
      else await deps.sleep(faultDelayMs(fault));
    }

    const subscription = r.kind === 'tenant' ? r.subscriptionId : subscriptionOfPath(path);
    const authorization = req.headers.authorization;
    const presented = /^bearer\s+(\S+)\s*$/iu.exec(authorization ?? '')?.[1];
    if (presented !== deps.token) {
      const tenant = subscription === undefined ? undefined : deps.index.tenantOf(subscription);
      if (r.kind === 'tenant' && tenant === undefined) send(armError(404, 'SubscriptionNotFound', `The subscription '${r.subscriptionId}' could not be found.`));
      else send(unauthenticated(authorization, tenant));
      return;
    }
    if (apiVersion === undefined || apiVersion === '') {
      send(armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'));
      return;
    }
    if (!API_VERSION.test(apiVersion)) {
      send(armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are dates such as '2024-05-01'.`));
      return;
    }
    if (raw === 'too-large') {
      send(armError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      return;
    }
    if (badJson) {
      send(armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.'));
      return;
    }

    const verdict = deps.buckets.take(subscription, bucketKindOf(method, r.kind === 'graph'));
    if (verdict.throttled !== undefined) {
      stats.throttled++;
      send(verdict.throttled);
      return;
    }
    const quota = r.kind === 'graph' ? deps.graphQuota.take() : undefined;
    if (quota?.throttled !== undefined) {
      stats.throttled++;
      send(quota.throttled);
      return;
    }
    const rateHeaders = { ...verdict.headers, ...quota?.headers };

    const answer = deps.handler({ method, route: r, path, url, body, ifMatch, apiVersion });
    send({ ...answer, headers: { ...rateHeaders, ...(answer.headers ?? {}) } });
  };
}
