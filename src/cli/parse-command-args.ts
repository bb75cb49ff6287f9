/** Argument parsing shared by every command: node:util parseArgs, strict, with its errors as UsageError (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';
import { messageOf } from '../errors/linkgate-error.js';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}
