/**
 * Typed failures of Azure Resource Manager calls. They carry what an operator needs to chase a
 * failure with Azure support (HTTP status, ARM error code, x-ms-request-id, correlation id) and
 * what the caller needs to decide (transient or not, Retry-After), and never the bearer token:
 * every text that goes into a message passes through `scrubSecrets` and the exact token is cut out.
 */
import { LinkgateError } from '../errors/linkgate-error.js';
import { TRANSIENT_NETWORK_CODES } from '../errors/transient-network-codes.js';
import { scrubSecrets } from '../log/create-logger.js';

/** 408, 429 and 5xx are worth retrying; 412 is not (someone else changed the resource: re-read). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A 409 some providers answer while another operation on the resource runs (Network's
 * AnotherOperationInProgress, RetryableError…): worth retrying later, unlike other conflicts.
 */
export function isConcurrentOperationConflict(status: number, code: string | undefined): boolean {
  return status === 409 && code !== undefined && /AnotherOperation|InProgress|Retryable/iu.test(code);
}

export interface ArmErrorDetails {
  method: string;
  /** URL path (no query string), so the message names the resource without any secret. */
  path: string;
  /** undefined when no response arrived (network error, timeout). */
  httpStatus: number | undefined;
  /** ARM error code (`error.code` of the body) or the network error code. */
  code: string | undefined;
  armMessage: string | undefined;
  requestId: string | undefined;
  correlationId: string | undefined;
  transient: boolean;
  retryAfterMs: number | undefined;
  cause?: unknown;
  /** The bearer token in use, only so that it can be cut out of any text; never stored. */
  secret?: string | undefined;
  /** Overrides the hint derived from the status. */
  hint?: string;
}

function hintFor(status: number | undefined, code: string | undefined): string {
  if (status === undefined) return 'Azure Resource Manager could not be reached; check LINKGATE_ARM_ENDPOINT and the network. The call is retried and the event redelivered.';
  if (status === 401) return 'The bearer token was refused: check LINKGATE_ARM_TOKEN or the identity DefaultAzureCredential picks (az login, managed identity).';
  // The role's actions as infra/azuredeploy.json and docs/deploy.md list them; a role assigned
  // moments ago may also still be propagating (minutes), which the next reconcile outlasts.
  if (status === 403) {
    return "The identity lacks a permission (or its role assignment is still propagating): grant '…/privateEndpointConnections/read|write' and the resource's own '…/read' on the governed types (AOSM: 'listPrivateEndPoints|approvePrivateEndPoints|removePrivateEndPoints/action'), 'Microsoft.Network/privateEndpoints/read' and 'Microsoft.Network/networkInterfaces/read' (NIC reads, for the consumer's private IP), 'Microsoft.Network/locations/operations/read' for Network types, and 'Microsoft.ResourceGraph/resources/read' (see docs/deploy.md).";
  }
  if (status === 404) return 'The resource does not exist (any more), or the api-version in src/arm/resource-types.ts does not know it.';
  if (status === 409 || code === 'PrivateEndpointConnectionStatusNotPending') return 'The connection is not in a state that allows this change; re-read it.';
  if (status === 412) return 'The connection changed since it was read (etag mismatch): re-read it and decide again.';
  if (status === 429) return 'Azure throttled the request; linkgate paces itself per subscription and retries after Retry-After. Lower the concurrency if this persists.';
  if (status >= 500) return 'Azure reported a server error; the call is retried with backoff.';
  return 'Azure refused the request; the ARM error code and request id identify it in Azure support.';
}

function scrub(text: string, secret: string | undefined): string {
  const cut = secret !== undefined && secret.length > 0 ? text.split(secret).join('[redacted]') : text;
  return scrubSecrets(cut);
}

export class ArmError extends LinkgateError {
  override name = 'ArmError';
  readonly method: string;
  readonly path: string;
  readonly httpStatus: number | undefined;
  readonly armMessage: string | undefined;
  /** x-ms-request-id of the failing response. */
  readonly requestId: string | undefined;
  /** x-ms-correlation-request-id of the failing response. */
  readonly correlationId: string | undefined;
  /** From Retry-After (seconds), when the response carried one. */
  readonly retryAfterMs: number | undefined;

  constructor(details: ArmErrorDetails) {
    const what = details.httpStatus === undefined ? 'no response' : `HTTP ${details.httpStatus}`;
    const code = details.code === undefined ? '' : ` ${details.code}`;
    const armMessage = details.armMessage === undefined ? '' : `: ${details.armMessage}`;
    const ids = details.requestId === undefined ? '' : ` (x-ms-request-id ${details.requestId})`;
    const message = scrub(`ARM ${details.method} ${details.path} failed with ${what}${code}${armMessage}${ids}`, details.secret).slice(0, 4000);
    // The stable code is Azure's own (ARM error code or network error code): scrubbed, since a
    // gateway may echo headers into it. `transient`: 408/429/5xx and network errors.
    super(message, {
      code: details.code === undefined ? 'ArmRequestFailed' : scrub(details.code, details.secret).slice(0, 200),
      transient: details.transient,
      hint: details.hint ?? hintFor(details.httpStatus, details.code),
      exitCode: 1,
      cause: details.cause,
    });
    this.method = details.method;
    this.path = scrub(details.path, details.secret);
    this.httpStatus = details.httpStatus;
    this.armMessage = details.armMessage === undefined ? undefined : scrub(details.armMessage, details.secret);
    this.requestId = details.requestId === undefined ? undefined : scrub(details.requestId, details.secret).slice(0, 200);
    this.correlationId = details.correlationId === undefined ? undefined : scrub(details.correlationId, details.secret).slice(0, 200);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Seconds of a Retry-After header (ARM sends delta-seconds; an HTTP date is honoured too). */
export function parseRetryAfterMs(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/u.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** ARM error bodies are `{error: {code, message}}` (sometimes without the wrapper). */
export function armErrorBody(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const inner = typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : record;
  return {
    ...(typeof inner.code === 'string' ? { code: inner.code } : {}),
    ...(typeof inner.message === 'string' ? { message: inner.message.slice(0, 1000) } : {}),
  };
}

export function armErrorFromResponse(input: {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
  secret?: string | undefined;
  nowMs?: number;
}): ArmError {
  const { code, message } = armErrorBody(input.body);
  return new ArmError({
    method: input.method,
    path: input.path,
    httpStatus: input.status,
    code,
    armMessage: message,
    requestId: input.headers['x-ms-request-id'],
    correlationId: input.headers['x-ms-correlation-request-id'],
    transient: isTransientStatus(input.status) || isConcurrentOperationConflict(input.status, code),
    retryAfterMs: parseRetryAfterMs(input.headers['retry-after'], input.nowMs),
    secret: input.secret,
  });
}

export function armErrorFromNetwork(input: { method: string; path: string; cause: unknown; secret?: string | undefined }): ArmError {
  const cause = input.cause as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const code =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.cause?.code === 'string' ? cause.cause.code : 'NetworkError';
  const text = typeof cause?.message === 'string' ? cause.message : String(input.cause);
  return new ArmError({
    method: input.method,
    path: input.path,
    httpStatus: undefined,
    code,
    armMessage: text,
    requestId: undefined,
    correlationId: undefined,
    // An unknown network failure is treated as transient: nothing was refused, the wire broke.
    transient: TRANSIENT_NETWORK_CODES.has(code) || code === 'NetworkError',
    retryAfterMs: undefined,
    cause: input.cause,
    secret: input.secret,
  });
}

/** An ID that does not parse as the kind of ARM resource the operation needs; nothing was sent. */
export class InvalidArmIdError extends LinkgateError {
  override name = 'InvalidArmIdError';
  constructor(what: string, id: unknown, reason: string) {
    const shown = typeof id === 'string' ? JSON.stringify(scrubSecrets(id.slice(0, 300))) : typeof id;
    super(`not a valid ${what} ID: ${shown} (${reason})`, {
      code: 'InvalidArmId',
      hint: `Pass a full ARM resource ID such as /subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>.`,
      exitCode: 1,
    });
  }
}
