/** How a policy problem is reported: file, JSON pointer, what is wrong and what to do. */
import { LinkgateError } from '../errors/linkgate-error.js';

export interface PolicyError {
  file: string;
  /** JSON pointer into the file ('' for the whole file). */
  pointer: string;
  message: string;
  fix: string;
}

export function formatPolicyError(error: PolicyError): string {
  return `${error.file}${error.pointer === '' ? '' : `#${error.pointer}`}: ${error.message}\n  fix: ${error.fix}`;
}

/** The whole set refused: carries every error, so the operator fixes them in one pass. */
export class PolicyLoadError extends LinkgateError {
  override name = 'PolicyLoadError';
  readonly errors: PolicyError[];
  constructor(errors: PolicyError[], exitCode = 1) {
    super(`${errors.length} policy error(s):\n${errors.map(formatPolicyError).join('\n')}`, {
      code: 'PolicyInvalid',
      hint: "run 'linkgate validate' and fix every error listed; linkgate refuses a policy set that is not wholly valid",
      exitCode,
    });
    this.errors = errors;
  }
}
