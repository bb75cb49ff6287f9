/**
 * The one error scheme: every error linkgate expects and explains is a `LinkgateError` with a
 * stable `code` (for logs, tests and callers to match on; never the message) and `transient`
 * (true: retrying may help, so the invocation fails and Event Grid redelivers; false: a refusal
 * or a bad input, recorded and not retried). `hint` tells the operator what to do; messages never
 * carry tokens or connection-string secrets. Classify with `instanceof` (classify-error.ts).
 */
export interface LinkgateErrorOptions {
  /** Stable identifier, PascalCase as Azure's error codes are; default 'LinkgateError'. */
  code?: string;
  transient?: boolean;
  hint?: string;
  /** CLI exit code when this error ends a command: 1 a failed check or operation, 2 bad usage/configuration. */
  exitCode?: number;
  cause?: unknown;
}

export class LinkgateError extends Error {
  override name = 'LinkgateError';
  readonly code: string;
  readonly transient: boolean;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: LinkgateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'LinkgateError';
    this.transient = options.transient ?? false;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The message of anything thrown (an Error's message, or the value itself as text). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
