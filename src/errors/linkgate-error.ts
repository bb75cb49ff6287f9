/**
 * Base of every error linkgate expects and explains. `hint` tells the operator what to do;
 * messages never carry tokens or connection-string secrets.
 */
export class LinkgateError extends Error {
  override name = 'LinkgateError';
  readonly hint: string | undefined;
  /** CLI exit code when this error ends a command: 1 a failed check or operation, 2 bad usage/configuration. */
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}
