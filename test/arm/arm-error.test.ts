import { describe, expect, it } from 'vitest';
import { type ArmError, armErrorFromNetwork, armErrorFromResponse, isConcurrentOperationConflict, isTransientStatus, parseRetryAfterMs } from '../../src/arm/arm-error.js';
import { LinkgateError } from '../../src/errors/linkgate-error.js';
import { isPreconditionFailed, isTransientError } from '../../src/pipeline/classify-error.js';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-payload.signature';

function fromStatus(status: number, headers: Record<string, string> = {}, body: unknown = { error: { code: 'Some', message: 'm' } }): ArmError {
  return armErrorFromResponse({ method: 'PUT', path: '/subscriptions/s/x', status, headers, body, secret: TOKEN, nowMs: 0 });
}

describe('ArmError', () => {
  it('classifies 408, 429 and 5xx as transient, 412 and other 4xx as not', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isTransientStatus(status), String(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 412]) expect(isTransientStatus(status), String(status)).toBe(false);
    expect(fromStatus(412).transient).toBe(false);
    expect(isPreconditionFailed(fromStatus(412))).toBe(true);
    expect(isTransientError(fromStatus(503))).toBe(true);
  });

  it('carries status, ARM code, request and correlation ids and Retry-After', () => {
    const error = fromStatus(429, { 'x-ms-request-id': 'req-1', 'x-ms-correlation-request-id': 'corr-1', 'retry-after': '17' }, {
      error: { code: 'RetryableErrorDueToAnotherOperation', message: 'busy' },
    });
    expect(error).toBeInstanceOf(LinkgateError);
    expect(error).toMatchObject({ httpStatus: 429, code: 'RetryableErrorDueToAnotherOperation', requestId: 'req-1', correlationId: 'corr-1', transient: true, retryAfterMs: 17_000 });
    expect(error.message).toContain('req-1');
    expect(error.hint).toBeTruthy();
  });

  it('a 403 hint names every action the role needs beyond the governed types (NIC reads included)', () => {
    const hint = String(fromStatus(403, {}, { error: { code: 'AuthorizationFailed', message: 'no' } }).hint);
    for (const action of ['privateEndpointConnections/read|write', 'Microsoft.Network/privateEndpoints/read', 'Microsoft.Network/networkInterfaces/read', 'Microsoft.Network/locations/operations/read', 'Microsoft.ResourceGraph/resources/read']) {
      expect(hint, action).toContain(action);
    }
  });

  it('never carries the token, even when the server echoes it', () => {
    const error = fromStatus(401, {}, { error: { code: 'InvalidAuthenticationToken', message: `token ${TOKEN} is bad; header was Bearer ${TOKEN}` } });
    expect(error.message).not.toContain(TOKEN);
    expect(String(error.armMessage)).not.toContain(TOKEN);
    expect(JSON.stringify({ ...error })).not.toContain(TOKEN);
  });

  it('marks network failures transient and names their code', () => {
    const reset = armErrorFromNetwork({ method: 'GET', path: '/x', cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(reset).toMatchObject({ httpStatus: undefined, code: 'ECONNRESET', transient: true });
    const timeout = armErrorFromNetwork({ method: 'GET', path: '/x', cause: Object.assign(new Error('slow'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) });
    expect(timeout.transient).toBe(true);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe('concurrent-operation conflicts', () => {
  it.each([
    [409, 'AnotherOperationInProgress', true],
    [409, 'RetryableErrorDueToAnotherOperation', true],
    [409, 'Conflict', false],
    [400, 'AnotherOperationInProgress', false],
  ])('%i %s → transient %s', (status, code, transient) => {
    expect(isConcurrentOperationConflict(status, code)).toBe(transient);
  });
});
