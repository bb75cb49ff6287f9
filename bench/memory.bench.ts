/**
 * Peak resident memory (the kernel's high-water mark of the process's own memory, VmHWM) holding the huge policy set loaded
 * and compiled, deciding 10,000 cases with it through `linkgate evaluate`, and `linkgate serve`
 * handling 10,000 Event Grid events against the emulator, beside an empty Node process and one that
 * only parses the same policy file.
 *
 * Not getrusage's maxrss: Linux carries it across fork and exec, so a child spawned by a bench
 * process that has grown reports the parent's size (an empty Node process showed 110 MB after the
 * end-to-end section). VmHWM belongs to the address space exec gives the child.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bigPolicySet, benchCases, hugeSinglePolicy, writePolicyFolder } from './big-policy-set.js';
import { runLoad } from './load.bench.js';
import type { BenchReporter } from './run.js';
import { QUICK, repeat } from './stats.js';

const CHILD = `
const [mode, dir, input] = process.argv.slice(2);
const root = process.env.BENCH_ROOT;
if (mode === 'parse') JSON.parse(require('node:fs').readFileSync(dir + '/huge.json', 'utf8'));
if (mode === 'load') {
  const { loadPolicySetOrThrow } = await import(root + '/dist/src/policy/load-policies.js');
  const { compilePolicies } = await import(root + '/dist/src/policy/compile-policies.js');
  globalThis.kept = compilePolicies(await loadPolicySetOrThrow(dir));
}
if (mode === 'evaluate') {
  const { main } = await import(root + '/dist/src/cli/main.js');
  const { createReadStream } = await import('node:fs');
  const { Writable } = await import('node:stream');
  let lines = 0;
  const stdout = new Writable({ write(chunk, _e, done) { for (const b of chunk) if (b === 10) lines++; done(); } });
  const code = await main(['evaluate', '-', '--policies', dir], { stdin: createReadStream(input), stdout, stderr: process.stderr, env: {}, cwd: process.cwd() });
  if (code !== 0 || lines !== 10000) throw new Error('evaluate failed: ' + code + ' ' + lines);
}
process.stdout.write(/^VmHWM:\\s+(\\d+) kB$/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]);
`;

export async function run(report: BenchReporter): Promise<void> {
  report.section('Peak memory');
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-bench-mem-'));
  const script = path.resolve('node_modules/.cache/linkgate-bench/memory.cjs');
  try {
    const big = bigPolicySet();
    await writePolicyFolder(dir, [hugeSinglePolicy(big)]);
    const input = path.join(dir, 'cases.jsonl');
    await writeFile(input, benchCases(big, 10_000).map((c) => JSON.stringify(c)).join('\n') + '\n');
    await mkdir(path.dirname(script), { recursive: true });
    // CommonJS wrapper around an async body, so `require` and dynamic import both work.
    await writeFile(script, `(async () => {${CHILD}})().catch((e) => { console.error(e); process.exit(1); });`);
    const times = QUICK ? 1 : 3;
    const rss = (mode: string) =>
      repeat(times, () => {
        const child = spawnSync(process.execPath, [script, mode, dir, input], { encoding: 'utf8', env: { ...process.env, BENCH_ROOT: process.cwd() } });
        if (child.status !== 0) throw new Error(`memory child ${mode} failed: ${child.stderr}`);
        return Number(child.stdout) / 1024;
      });
    const rows: Array<[string, string]> = [
      ['empty Node process (peer)', 'none'],
      ['read + JSON.parse the huge policy file (peer)', 'parse'],
      ['huge policy loaded, validated and compiled', 'load'],
      ['`linkgate evaluate` over 10,000 cases with the huge policy', 'evaluate'],
    ];
    report.line(`Peak RSS (VmHWM) of a new process, MB (median of ${times}, min–max). The huge policy: 10,000 subscriptions, 100,000 CIDRs, 10,000 subnet patterns in one file.`);
    report.line('');
    report.line('| process | peak RSS |');
    report.line('| --- | ---: |');
    for (const [label, mode] of rows) {
      const figure = await rss(mode);
      report.line(`| ${label} | ${figure.median.toFixed(0)} MB (${figure.low.toFixed(0)}–${figure.high.toFixed(0)}) |`);
    }
    // serve in its own process, so its figure is not the emulator's and the sender's (one run: minutes each).
    const events = QUICK ? 2_000 : 10_000;
    const load = await runLoad({ events, serve: 'own-process', deadlineMs: 15 * 60_000 });
    if (load.delivered !== events || load.servePeakRssMb === undefined) throw new Error(`serve load: ${load.delivered} of ${events} delivered`);
    report.line(`| \`linkgate serve\` after ${events.toLocaleString('en')} Event Grid events (one run; its own process, the emulator and the sender in another; ${(load.elapsedMs / 1000).toFixed(0)} s, 8 targets at once, file audit store) | ${load.servePeakRssMb.toFixed(0)} MB |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(script, { force: true });
  }
}
