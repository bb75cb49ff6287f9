/**
 * The file Functions loads (package.json `main`) is the esbuild bundle of functions/app.ts: built
 * as `npm run build` builds it, it must load on its own (no TypeScript, no unbundled sources, no
 * node_modules), register both functions, and import at load nothing but @azure/functions and
 * linkgate's few modules that registration needs. Everything the first event needs is in chunks
 * loaded on first use (cold start, issue 12; its import time is measured by `npm run bench`,
 * never here), so a change that pulls undici, pino or an Azure SDK into the entry fails below.
 */
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

/** The packages registration needs: @azure/functions and its own dependencies. */
const ENTRY_PACKAGES = new Set(['@azure/functions', '@azure/functions-extensions-base', 'cookie']);
/**
 * linkgate's own code the entry may load: what reading the settings needs (the sweep schedule),
 * pure modules of a few KiB. Never the handlers or what they start: the runtime, the pipeline's
 * work, policies, the ARM client, audit stores, logging, notifications, the webhook intake.
 */
const HANDLER_SOURCES = /^(functions\/(connection-events|sweep|close-worker|host-event)\.ts|src\/(runtime\/create-runtime|pipeline\/(handle-events|reconcile-target)|arm\/arm-client|host\/(webhook-server|start-serve))\.ts|src\/(policy|audit|log|notify\/create-notifier|intake|sweep)\/)/u;
const OWN_CODE_BUDGET_BYTES = 32 * 1024;

function packageOf(input: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//u.exec(input);
  return match?.[1];
}

/** The outputs a module loads before it runs (itself and, transitively, its static imports), or, with `dynamic`, ever. */
function closureOf(meta: Metafile, entry: string, dynamic = false): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) {
    for (const imported of meta.outputs[file]?.imports ?? []) {
      if ((imported.kind === 'import-statement' || (dynamic && imported.kind === 'dynamic-import')) && imported.external !== true) seen.add(imported.path);
    }
  }
  return [...seen];
}
const staticClosure = (meta: Metafile, entry: string): string[] => closureOf(meta, entry);

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string): boolean => builtins.has(specifier.replace(/^node:/u, ''));

describe('the bundled Functions app', () => {
  let out: string;
  let meta: Metafile;
  let entry: string;

  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'linkgate-bundle-'));
    const metafile = path.join(out, 'meta.json');
    const built = spawnSync(process.execPath, ['scripts/bundle-functions.mjs', '--outdir', path.join(out, 'app'), '--metafile', metafile], { encoding: 'utf8', timeout: 120_000 });
    expect(built.status, built.stderr).toBe(0);
    meta = JSON.parse(await readFile(metafile, 'utf8')) as Metafile;
    const entries = Object.keys(meta.outputs).filter((file) => file.endsWith('/app/main.js'));
    expect(entries).toHaveLength(1);
    entry = entries[0]!;
  }, 240_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('is what package.json main names, loads alone and registers connection-events and sweep', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/functions-app/main.js');
    expect(pkg.scripts['build']).toContain('scripts/bundle-functions.mjs');
    // Loaded from a folder without node_modules: everything it needs is in the bundle's files.
    const probe = `await import(${JSON.stringify(path.join(out, 'app', 'main.js'))});`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: out, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LINKGATE_SWEEP_SCHEDULE: '' } });
    expect(run.status, run.stderr).toBe(0);
    // Outside the Functions host @azure/functions runs in test mode and names each registration it skips.
    expect(run.stderr).toContain('register function "connection-events"');
    expect(run.stderr).toContain('register function "sweep"');
  });

  it('loads at import only @azure/functions and the modules registration needs; the handlers are chunks loaded on first use', () => {
    const closure = staticClosure(meta, entry);
    const inputs = closure.flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
    const packages = new Set(inputs.map(packageOf).filter((name) => name !== undefined));
    expect([...packages].filter((name) => !ENTRY_PACKAGES.has(name))).toEqual([]);
    expect(packages.has('@azure/functions')).toBe(true);
    const own = inputs.filter((input) => packageOf(input) === undefined);
    expect(own).toContain('functions/app.ts');
    expect(own.filter((input) => HANDLER_SOURCES.test(input))).toEqual([]);
    // The chunks it shares with the handlers stay small (bytes of minified output, not time).
    const ownBytes = closure.filter((file) => file !== entry).reduce((sum, file) => sum + meta.outputs[file]!.bytes, 0);
    expect(ownBytes).toBeLessThan(OWN_CODE_BUDGET_BYTES);
    // What it does not load at import it loads on the first invocation, from its own chunks.
    const lazy = meta.outputs[entry]!.imports.filter((imported) => imported.kind === 'dynamic-import').map((imported) => imported.path);
    expect(lazy.length).toBeGreaterThan(0);
    const later = new Set(lazy.flatMap((file) => closureOf(meta, file, true)).flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}).map(packageOf)));
    for (const name of ['undici', 'pino', 'ajv', 're2js', '@azure/identity', '@azure/data-tables']) expect(later.has(name), name).toBe(true);
    // Nothing from outside the bundle but Node's own modules (and the host-provided functions-core).
    for (const file of closure) {
      for (const imported of meta.outputs[file]!.imports.filter((i) => i.external === true)) {
        expect(isBuiltin(imported.path) || imported.path === '@azure/functions-core', imported.path).toBe(true);
      }
    }
  });

  it("the built entry's own import statements name only Node's modules and the entry's chunks", async () => {
    const text = await readFile(path.join(out, 'app', 'main.js'), 'utf8');
    const closure = new Set(staticClosure(meta, entry).map((file) => path.basename(file)));
    // Static imports only (`import … from "x"` or `import "x"`), in the minified text as it ships.
    const specifiers = [...text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?\sfrom\s*)?["']([^"']+)["']/gu)].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      if (isBuiltin(specifier)) continue;
      expect(specifier, 'a static import of the entry').toMatch(/^\.\/chunks\/chunk-[\w-]+\.js$/u);
      expect(closure.has(path.basename(specifier)), specifier).toBe(true);
    }
  });

  it('handles a first invocation from its chunks alone, outside the repository', async () => {
    const policies = path.join(out, 'policies');
    await mkdir(policies);
    const probe = [
      `const app = await import(${JSON.stringify(path.join(out, 'app', 'main.js'))});`,
      "const context = { invocationId: 'probe', log() {}, info() {}, error() {}, trace() {}, debug() {}, warn: (...a) => console.log('WARN', ...a) };",
      // A malformed event: the handler loads its chunks and builds the runtime, then lets the event go.
      'await app.connectionEvents({}, context);',
      'await app.closeApp();',
    ].join('\n');
    const env = { PATH: process.env['PATH'] ?? '', LINKGATE_ARM_TOKEN: 'probe-token', LINKGATE_ARM_ENDPOINT: 'http://127.0.0.1:9', LINKGATE_POLICY_DIR: policies, LINKGATE_AUDIT_PATH: path.join(out, 'audit.jsonl'), LINKGATE_LOG_LEVEL: 'silent' };
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: out, encoding: 'utf8', timeout: 60_000, env });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('WARN linkgate: malformed event undefined ignored');
  });
});
