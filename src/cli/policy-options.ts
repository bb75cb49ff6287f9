/** The policy folder every policy command uses: --policies, else $LINKGATE_POLICY_DIR, else ./policies. */
import path from 'node:path';
import type { CliIo } from './io.js';

export function policyDir(flag: string | undefined, io: CliIo): string {
  const dir = flag ?? io.env['LINKGATE_POLICY_DIR'] ?? 'policies';
  return path.isAbsolute(dir) ? dir : path.relative(io.cwd, path.resolve(io.cwd, dir)) || '.';
}
