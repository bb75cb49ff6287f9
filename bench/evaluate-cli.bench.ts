/**
 * `linkgate evaluate` over 50,000 JSON Lines, end to end through the CLI's streaming code, against
 * the floor in the same run: Node merely parsing and re-serialising the same lines.
 */
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import type { BenchReporter } from './run.js';
import { bigPolicySet, benchCases } from './big-policy-set.js';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/main.js';

const LINES = 50_000;

export async function run(report: BenchReporter): Promise<void> {
  report.section(`evaluate-cli: linkgate evaluate over ${LINES.toLocaleString('en')} JSON Lines`);
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-bench-'));
  try {
    // A realistic policy folder: the issue-sized set written as policy files.
    const big = bigPolicySet({ subscriptions: 10_000, cidrs: 10_000, subnets: 1_000 });
    await Promise.all(big.set.policies.map((p) => writeFile(path.join(dir, `${p.document.name}.json`), JSON.stringify(p.document))));
    const input = benchCases(big, LINES).map((c) => JSON.stringify(c)).join('\n') + '\n';

    // Floor: the least a Node JSON Lines filter does: stream the lines, parse and re-serialise each.
    // Run twice and keep the second, as for linkgate below, so neither pays the JIT's warm-up.
    let floorMs = 0;
    let bytes = 0;
    let start = process.hrtime.bigint();
    for (let round = 0; round < 2; round++) {
      start = process.hrtime.bigint();
      bytes = 0;
      for await (const line of createInterface({ input: Readable.from([input]), crlfDelay: Infinity })) {
        bytes += (JSON.stringify(JSON.parse(line)) + '\n').length;
      }
      floorMs = Number(process.hrtime.bigint() - start) / 1e6;
    }

    let cliMs = 0;
    let outLines = 0;
    let code = 0;
    for (let round = 0; round < 2; round++) {
      const stdout = new PassThrough();
      outLines = 0;
      stdout.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) outLines++;
      });
      start = process.hrtime.bigint();
      code = await main(['evaluate', '-', '--policies', dir], { stdin: Readable.from([input]), stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() });
      cliMs = Number(process.hrtime.bigint() - start) / 1e6;
    }
    if (code !== 0 || outLines !== LINES) throw new Error(`evaluate exited ${code} with ${outLines} lines`);
    report.line('| run | time | lines/s |');
    report.line('| --- | ---: | ---: |');
    report.line(`| stream, parse + re-serialise only (floor) | ${floorMs.toFixed(0)} ms | ${((LINES / floorMs) * 1000).toFixed(0)} |`);
    report.line(`| linkgate evaluate (load + compile ${big.set.policies.length} policies included) | ${cliMs.toFixed(0)} ms | ${((LINES / cliMs) * 1000).toFixed(0)} |`);
    report.line('');
    report.line(`ratio: ${(cliMs / floorMs).toFixed(2)}× the floor (target ≤ 2×) → ${cliMs / floorMs <= 2 ? 'met' : 'NOT met'}; ${(bytes / 1e6).toFixed(1)} MB re-serialised`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
