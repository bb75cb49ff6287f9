/**
 * Where the Functions app lives. The host does not promise a working directory (on Windows plans
 * it has been `D:\Windows\system32` or the host's own folder), so a relative policy folder is
 * resolved against the app root: the nearest folder above this module that holds `host.json`.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `from` that holds host.json, or undefined. */
export function findAppRoot(from: string, exists: (path: string) => boolean = existsSync): string | undefined {
  let dir = resolve(from);
  for (let depth = 0; depth < 10; depth++) {
    if (exists(join(dir, 'host.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** LINKGATE_POLICY_DIR (default ./policies) made absolute against the app root when it is relative. */
export function policyDirFor(setting: string | undefined, appRoot: string | undefined): string {
  const trimmed = setting?.trim() ?? '';
  const dir = trimmed === '' ? './policies' : trimmed;
  return isAbsolute(dir) || appRoot === undefined ? dir : resolve(appRoot, dir);
}

/** The app root of this installation (src/runtime or dist/src/runtime lie below it). */
export function thisAppRoot(): string | undefined {
  return findAppRoot(dirname(fileURLToPath(import.meta.url)));
}
