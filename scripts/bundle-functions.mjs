/**
 * Bundles the Azure Functions app (functions/app.ts: both functions) into one tree-shaken ES module,
 * dist/functions-app/main.js, the file package.json `main` names and the Functions worker loads.
 * A cold worker then reads one file instead of resolving hundreds of modules, and modules the
 * code imports lazily (the audit stores, @azure/identity, the notifier) are bundled as lazily
 * initialised parts that run only when first imported. The CLI and the tests keep using the
 * unbundled tsc build (dist/src, dist/functions).
 */
import { build } from 'esbuild';

// `--outdir DIR` builds elsewhere (the tests build into a temporary folder).
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : 'dist/functions-app';

const result = await build({
  entryPoints: { main: 'functions/app.ts' },
  outdir,
  bundle: true,
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
  // CommonJS dependencies (undici, pino, @azure/functions) call require and read __dirname.
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

const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`bundled functions/app.ts → ${outdir}/main.js (${(bytes / 1024).toFixed(0)} KiB with its source map)\n`);
