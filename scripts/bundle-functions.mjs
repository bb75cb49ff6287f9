/**
 * Bundles the Azure Functions app into tree-shaken ES modules in dist/functions-app/: `main.js`
 * (the file package.json `main` names and the Functions worker loads) from functions/app.ts, and
 * the chunks it imports on the first invocation. The entry only registers the functions; every
 * module behind a dynamic `import()` (the handlers, hence the runtime, undici, pino, ajv, the
 * Azure SDKs) is split into chunks/ that a cold worker neither reads nor parses until it handles
 * its first event (issue 12). test/functions/bundle.test.ts checks the entry's static imports.
 * The CLI and the tests keep using the unbundled tsc build (dist/src, dist/functions).
 *
 * `--outdir DIR` builds elsewhere (the tests build into a temporary folder); `--metafile FILE`
 * also writes esbuild's metafile (what each output holds and imports).
 */
import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const outdir = option('--outdir', 'dist/functions-app');
const metafileAt = option('--metafile', undefined);

// Chunk names carry content hashes: start empty so no chunk of an earlier build is deployed.
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'functions/app.ts' },
  outdir,
  bundle: true,
  // Dynamic imports become chunks of their own, loaded when first imported; code both sides share
  // goes into a chunk both import.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // Smaller text is less to read and pre-parse on a cold start; names are kept for stack traces.
  minify: true,
  keepNames: true,
  treeShaking: true,
  sourcemap: 'linked',
  metafile: true,
  // Provided by the Functions worker at run time, not an npm package.
  external: ['@azure/functions-core'],
  // CommonJS dependencies (undici, pino, @azure/functions) call require and read __dirname. Every
  // output is a module of its own, so each gets these.
  banner: {
    js: [
      "import { createRequire as __linkgateCreateRequire } from 'node:module';",
      "import { fileURLToPath as __linkgateFileURLToPath } from 'node:url';",
      'const require = __linkgateCreateRequire(import.meta.url);',
      'const __filename = __linkgateFileURLToPath(import.meta.url);',
      "const __dirname = __linkgateFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  logLevel: 'warning',
});

if (metafileAt !== undefined) await writeFile(metafileAt, JSON.stringify(result.metafile));
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const entry = outputs.find(([file]) => file.endsWith('/main.js'));
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const lazy = outputs.filter((output) => output !== entry).reduce((sum, [, output]) => sum + output.bytes, 0);
process.stdout.write(`bundled functions/app.ts → ${outdir}/main.js (${kib(entry?.[1].bytes ?? 0)}) and ${outputs.length - 1} chunk(s) loaded on first use (${kib(lazy)})\n`);
