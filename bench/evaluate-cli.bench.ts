/**
 * `linkgate evaluate` over 50,000 JSON Lines with the huge single policy, end to end through the
 * CLI's code (load, validate and compile the policy, then read, parse, evaluate, serialise), against
 * the floor in the same run: a Node readline loop that only parses and re-serialises the lines.
 */
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import { bigPolicySet, benchCases, hugeSinglePolicy, writePolicyFolder } from './big-policy-set.js';
import type { BenchReporter } from './run.js';
import { QUICK, formatMs, ms, repeat, verdict } from './stats.js';

const LINES = 50_000;

export async function run(report: BenchReporter): Promise<void> {
  report.section(`\`linkgate evaluate\` over ${LINES.toLocaleString('en')} JSON Lines`);
  const dir = await mkdtemp(path.join(tmpdir(), 'linkgate-bench-cli-'));
  try {
    const big = bigPolicySet();
    await writePolicyFolder(dir, [hugeSinglePolicy(big)]);
    const input = benchCases(big, LINES).map((c) => JSON.stringify(c)).join('\n') + '\n';
    const times = QUICK ? 3 : 5;
    const floor = await repeat(
      times,
      async () => {
        const start = process.hrtime.bigint();
        let bytes = 0;
        for await (const line of createInterface({ input: Readable.from([input]), crlfDelay: Infinity })) bytes += (JSON.stringify(JSON.parse(line)) + '\n').length;
        if (bytes === 0) throw new Error('no output');
        return ms(start);
      },
      { warmUp: true },
    );
    const cli = await repeat(
      times,
      async () => {
        const stdout = new PassThrough();
        let lines = 0;
        stdout.on('data', (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        });
        const start = process.hrtime.bigint();
        const code = await main(['evaluate', '-', '--policies', dir], { stdin: Readable.from([input]), stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() });
        const elapsed = ms(start);
        if (code !== 0 || lines !== LINES) throw new Error(`evaluate exited ${code} with ${lines} lines`);
        return elapsed;
      },
      { warmUp: true },
    );
    const ratio = cli.median / floor.median;
    report.line(`The huge single policy (10,000 subscriptions, 100,000 CIDRs, 10,000 subnet patterns), loaded, validated and compiled inside every run; ${(input.length / 1e6).toFixed(1)} MB of input. Median of ${times} runs after a warm-up (min–max), in this process.`);
    report.line('');
    report.line('| run | time | lines/s |');
    report.line('| --- | ---: | ---: |');
    report.line(`| floor: readline, JSON.parse, JSON.stringify | ${formatMs(floor)} | ${((LINES / floor.median) * 1000).toFixed(0)} |`);
    report.line(`| \`linkgate evaluate\` | ${formatMs(cli)} | ${((LINES / cli.median) * 1000).toFixed(0)} |`);
    report.line('');
    report.line(`Ratio ${ratio.toFixed(2)}× the floor (goal ≤ 2×): ${verdict(ratio <= 2)}.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
