/**
 * The file Functions loads (package.json `main`) is the esbuild bundle of functions/app.ts: built
 * as `npm run build` builds it, it must load on its own (no TypeScript, no unbundled sources) and
 * register both functions (cold start, issue 12: a cold worker reads one file; its import time is
 * measured by `npm run bench`, never here).
 */
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the bundled Functions app', () => {
  it('is what package.json main names, loads alone and registers connection-events and sweep', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/functions-app/main.js');
    expect(pkg.scripts['build']).toContain('scripts/bundle-functions.mjs');
    const out = await mkdtemp(path.join(tmpdir(), 'linkgate-bundle-'));
    try {
      const built = spawnSync(process.execPath, ['scripts/bundle-functions.mjs', '--outdir', out], { encoding: 'utf8', timeout: 120_000 });
      expect(built.status, built.stderr).toBe(0);
      // Loaded from a folder without node_modules: everything it needs is in the one file.
      const probe = `await import(${JSON.stringify(path.join(out, 'main.js'))});`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: out, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LINKGATE_SWEEP_SCHEDULE: '' } });
      expect(run.status, run.stderr).toBe(0);
      // Outside the Functions host @azure/functions runs in test mode and names each registration it skips.
      expect(run.stderr).toContain('register function "connection-events"');
      expect(run.stderr).toContain('register function "sweep"');
      const text = await readFile(path.join(out, 'main.js'), 'utf8');
      const imported = [...text.matchAll(/^import .* from ["']([^"']+)["']/gmu)].map((m) => m[1]!.replace(/^node:/u, ''));
      expect(imported.filter((specifier) => !builtinModules.includes(specifier))).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);
});
