/** The policy folder every policy command uses: --policies, else $LINKGATE_POLICY_DIR, else ./policies. */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIo } from './io.js';

export function policyDir(flag: string | undefined, io: CliIo): string {
  const dir = flag ?? io.env['LINKGATE_POLICY_DIR'] ?? 'policies';
  return path.isAbsolute(dir) ? dir : path.relative(io.cwd, path.resolve(io.cwd, dir)) || '.';
}

/** parseArgs with usage errors as UsageError (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
