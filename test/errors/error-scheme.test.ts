import { describe, expect, it } from 'vitest';
import { armErrorFromNetwork, armErrorFromResponse } from '../../src/arm/arm-error.js';
import { FileAuditStoreError } from '../../src/audit/file-audit-store-error.js';
import { TableAuditStoreError } from '../../src/audit/table-audit-store.js';
import { AuditStoreError } from '../../src/errors/audit-store-error.js';
import { LinkgateError, messageOf } from '../../src/errors/linkgate-error.js';
import { errorSummary, isPreconditionFailed, isTransientError } from '../../src/pipeline/classify-error.js';
import { IncompleteRecordError } from '../../src/pipeline/pipeline-errors.js';

const armAnswer = (status: number, code?: string) =>
  armErrorFromResponse({ method: 'PUT', path: '/subscriptions/s/x', status, headers: {}, body: code === undefined ? {} : { error: { code, message: 'm' } }, nowMs: 0 });

describe('LinkgateError', () => {
  it('carries a stable code and transient, defaulting to a permanent LinkgateError', () => {
    const plain = new LinkgateError('boom');
    expect(plain).toMatchObject({ code: 'LinkgateError', transient: false, exitCode: 1 });
    expect(new LinkgateError('x', { code: 'Mine', transient: true })).toMatchObject({ code: 'Mine', transient: true });
  });

  it('ARM errors carry Azure’s own code, or ArmRequestFailed when the answer had none', () => {
    expect(armAnswer(403, 'AuthorizationFailed')).toMatchObject({ code: 'AuthorizationFailed', transient: false });
    expect(armAnswer(503)).toMatchObject({ code: 'ArmRequestFailed', transient: true });
  });

  it('every audit store error is an AuditStoreError', () => {
    expect(new FileAuditStoreError('x')).toBeInstanceOf(AuditStoreError);
    expect(new TableAuditStoreError('x', { transient: true })).toBeInstanceOf(AuditStoreError);
    expect(new TableAuditStoreError('x', { transient: true }).transient).toBe(true);
    expect(new IncompleteRecordError('x')).toMatchObject({ code: 'IncompleteRecord', transient: true });
    expect(new FileAuditStoreError('x').code).toBe('AuditStoreFailed');
  });
});

describe('classification by type', () => {
  it('an audit store failure anywhere in the cause chain is transient, whatever the store said', () => {
    expect(isTransientError(new FileAuditStoreError('disk full'))).toBe(true);
    expect(isTransientError(new LinkgateError('outer', { cause: new TableAuditStoreError('forbidden', { transient: false }) }))).toBe(true);
  });

  it('a LinkgateError says for itself; its cause is consulted when it does not', () => {
    expect(isTransientError(armAnswer(429))).toBe(true);
    expect(isTransientError(armAnswer(403))).toBe(false);
    expect(isTransientError(new LinkgateError('wrapped', { cause: armAnswer(503) }))).toBe(true);
  });

  it('unwrapped errors are transient only for network codes of the one list', () => {
    expect(isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe(false);
    expect(isTransientError(armErrorFromNetwork({ method: 'GET', path: '/x', cause: Object.assign(new Error('t'), { code: 'UND_ERR_ABORTED' }) }))).toBe(true);
    // Shapes do not count: a plain object claiming to be transient, or to be a 412, is neither.
    expect(isTransientError({ transient: true })).toBe(false);
    expect(isTransientError({ httpStatus: 503 })).toBe(false);
    expect(isPreconditionFailed({ httpStatus: 412 })).toBe(false);
    expect(isPreconditionFailed(armAnswer(412, 'PreconditionFailed'))).toBe(true);
    expect(isTransientError(undefined)).toBe(false);
  });

  it('a cause chain that loops ends', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isTransientError(a)).toBe(false);
  });
});

describe('messageOf and errorSummary', () => {
  it('read the message of anything thrown', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('plain text')).toBe('plain text');
    expect(messageOf(42)).toBe('42');
    expect(errorSummary(new LinkgateError('boom'))).toBe('LinkgateError: boom');
  });
});
