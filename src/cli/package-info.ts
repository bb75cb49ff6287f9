import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found by walking up from this module (works from src/ under vitest and from dist/). */
export async function packageRoot(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'linkgate') return dir;
    } catch {
      // not here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('linkgate package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(await packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
