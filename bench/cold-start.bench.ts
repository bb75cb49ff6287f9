/**
 * Cold start of the Functions app as a Consumption or Flex worker pays it: a new Node process
 * imports the bundle package.json `main` names (dist/functions-app/main.js, built by
 * `npm run build`: registration only, the handlers in chunks loaded on first use), then handles
 * its first event (handler chunks loaded, runtime start, policy load, one target listed and
 * decided against the ARM emulator, static token, file audit store). Peers in the same run: a new
 * process importing @azure/functions alone, and the unbundled tsc build of the same entry.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startArmEmulator } from '../emulator/arm-emulator.js';
import { loadWorld } from '../emulator/world.js';
import { connectionProxyWriteEvent } from '../src/demo/demo-events.js';
import type { BenchReporter } from './run.js';
import { QUICK, formatMs, repeat, verdict } from './stats.js';

const PROVIDER = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const CONSUMER = '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d';
const target = (i: number): string => `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls-${i}`;

const CHILD = `
const started = performance.now();
const module = await import(process.env.BENCH_MODULE);
const imported = performance.now() - started;
let first = imported;
if (process.env.BENCH_EVENT) {
  const context = { invocationId: 'bench', log() {}, warn() {}, error() {}, info() {}, debug() {}, trace() {} };
  await module.connectionEvents(JSON.parse(process.env.BENCH_EVENT), context);
  first = performance.now() - started;
}
process.stdout.write(JSON.stringify({ imported, first }));
process.exit(0);
`;

export async function run(report: BenchReporter): Promise<void> {
  report.section('Cold start (Functions app)');
  const bundle = path.resolve('dist/functions-app/main.js');
  const unbundled = path.resolve('dist/functions/app.js');
  if (!existsSync(bundle)) throw new Error('dist/functions-app/main.js is missing: npm run build first');
  const chunkDir = path.resolve('dist/functions-app/chunks');
  const chunks = (await readdir(chunkDir)).filter((name) => name.endsWith('.js'));
  const chunkBytes = (await Promise.all(chunks.map(async (name) => (await stat(path.join(chunkDir, name))).size))).reduce((a, b) => a + b, 0);
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  const times = QUICK ? 3 : 7;
  const runs = times * 2 + 4;
  const world = loadWorld({
    providers: Array.from({ length: runs }, (_, i) => ({
      id: target(i),
      type: 'Microsoft.Network/privateLinkServices',
      connections: [{ name: 'c', privateEndpointId: `/subscriptions/${CONSUMER}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-${i}`, status: 'Pending' }],
    })),
    endpoints: [],
    tenants: {},
  });
  const emulator = await startArmEmulator({ world });
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-bench-cold-'));
  // The child lives under node_modules/.cache so that bare specifiers resolve from the repository.
  const script = path.resolve('node_modules/.cache/linkgate-bench/cold-start.mjs');
  await mkdir(path.dirname(script), { recursive: true });
  await writeFile(script, CHILD);
  await mkdir(path.join(dir, 'policies'));
  await writeFile(path.join(dir, 'policies', 'bench.json'), JSON.stringify({ name: 'bench', targets: [`/subscriptions/${PROVIDER}/**`], autoApproval: [CONSUMER] }));
  let next = 0;
  // Asynchronous: the emulator answering the child's ARM calls lives in this process's event loop.
  const child = async (module: string, withEvent: boolean): Promise<{ imported: number; first: number }> => {
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      BENCH_MODULE: module,
      LINKGATE_POLICY_DIR: path.join(dir, 'policies'),
      LINKGATE_ARM_ENDPOINT: emulator.url,
      LINKGATE_ARM_TOKEN: emulator.token,
      LINKGATE_AUDIT_PATH: path.join(dir, 'audit.jsonl'),
      LINKGATE_LOG_LEVEL: 'warn',
    };
    if (withEvent) env['BENCH_EVENT'] = JSON.stringify(connectionProxyWriteEvent(target(next++), 'c'));
    const { stdout } = await promisify(execFile)(process.execPath, [script], { env, encoding: 'utf8', timeout: 120_000 });
    return JSON.parse(stdout) as { imported: number; first: number };
  };
  try {
    const functionsOnly = await repeat(times, async () => (await child('@azure/functions', false)).imported, { warmUp: true });
    const bundleImport = await repeat(times, async () => (await child(bundle, false)).imported, { warmUp: true });
    const unbundledImport = await repeat(times, async () => (await child(unbundled, false)).imported, { warmUp: true });
    const bundleFirst = await repeat(times, async () => (await child(bundle, true)).first, { warmUp: true });
    const ratio = bundleImport.median / functionsOnly.median;
    const writes = emulator.stats().writes;
    report.line(`The bundle: \`main.js\` ${kib((await stat(bundle)).size)} (registration: @azure/functions and the settings it reads), then ${chunks.length} chunks (${kib(chunkBytes)} in all): the handlers, the runtime, undici, pino, ajv, re2js and the Azure SDKs, loaded on the first invocation, and a few small ones holding the settings code registration shares with the handlers, loaded with the entry.`);
    report.line('');
    report.line(`Each figure is a new Node process (median of ${times}, min–max), timed inside it from before the import to after it (and after the first event's handler returns); process start-up itself is excluded and is the same for all rows. ${writes} connection(s) approved by the first-event runs, as expected one per run.`);
    report.line('');
    report.line('| what a new worker does | time | vs @azure/functions alone |');
    report.line('| --- | ---: | ---: |');
    report.line(`| import \`@azure/functions\` alone (peer) | ${formatMs(functionsOnly, 1)} | 1.00× |`);
    report.line(`| import the bundle \`dist/functions-app/main.js\` (package.json main) | ${formatMs(bundleImport, 1)} | ${ratio.toFixed(2)}× (goal ≤ 1.5×: ${verdict(ratio <= 1.5)}) |`);
    report.line(`| import the unbundled \`dist/functions/app.js\` (tsc output of the same entry) | ${formatMs(unbundledImport, 1)} | ${(unbundledImport.median / functionsOnly.median).toFixed(2)}× |`);
    report.line(`| import the bundle + first event (handler chunks, runtime, policies, ARM list + approve + re-read, audit) | ${formatMs(bundleFirst, 1)} | ${(bundleFirst.median / functionsOnly.median).toFixed(2)}× |`);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
    await rm(script, { force: true });
  }
}
