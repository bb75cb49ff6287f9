/**
 * Policy loading at size: one huge policy (10,000 subscriptions, 100,000 CIDRs, 10,000 subnet
 * patterns) and the same entries spread over 100 small policies, each loaded from a folder,
 * validated, hashed and compiled, against the floor of reading and JSON.parse-ing the same files.
 * Also `linkgate validate` on the huge policy as a user runs it (a new process, wall time).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compilePolicies } from '../src/policy/compile-policies.js';
import { loadPolicies } from '../src/policy/load-policies.js';
import { bigPolicySet, hugeSinglePolicy, writePolicyFolder } from './big-policy-set.js';
import type { BenchReporter } from './run.js';
import { QUICK, formatMs, ms, repeat, verdict } from './stats.js';

async function parseFloor(dir: string): Promise<number> {
  const start = process.hrtime.bigint();
  for (const name of (await readdir(dir)).sort()) JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  return ms(start);
}

async function loadAndCompile(dir: string): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await loadPolicies(dir);
  if (!result.ok) throw new Error(`the benchmark policies do not load: ${result.errors[0]?.message ?? ''}`);
  compilePolicies(result.set);
  return ms(start);
}

export async function run(report: BenchReporter): Promise<void> {
  report.section('Policy load + compile');
  const big = bigPolicySet();
  const root = await mkdtemp(path.join(tmpdir(), 'linkgate-bench-load-'));
  const times = QUICK ? 3 : 7;
  try {
    const hugeDir = path.join(root, 'huge');
    const smallDir = path.join(root, 'small');
    await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(hugeDir), fs.mkdir(smallDir)]));
    await writePolicyFolder(hugeDir, [hugeSinglePolicy(big)]);
    await writePolicyFolder(smallDir, big.set.policies.map((p) => p.document));
    report.line(`Same entries both ways: ${big.subscriptions.length.toLocaleString('en')} subscriptions, ${big.cidrs.length.toLocaleString('en')} CIDRs, ${big.subnets.length.toLocaleString('en')} subnet patterns. Load = read the folder, check every file (schema, duplicates, CIDRs, patterns, regexes), hash the revision; compile = build the lookup structures. Floor = read the same files and JSON.parse them. Median of ${times} runs after a warm-up (min–max).`);
    report.line('');
    report.line('| policy set | linkgate load + compile | floor: read + JSON.parse | ratio (goal ≤ 3×) |');
    report.line('| --- | ---: | ---: | ---: |');
    for (const [label, dir] of [['one huge policy', hugeDir], ['100 small policies', smallDir]] as const) {
      const ours = await repeat(times, () => loadAndCompile(dir), { warmUp: true });
      const floor = await repeat(times, () => parseFloor(dir), { warmUp: true });
      const ratio = ours.median / floor.median;
      report.line(`| ${label} | ${formatMs(ours)} | ${formatMs(floor, 1)} | ${ratio.toFixed(1)}× ${verdict(ratio <= 3)} |`);
    }
    report.line('');
    // As a user runs it: a fresh process (Node start-up and module loading included).
    const validate = await repeat(QUICK ? 2 : 5, () => {
      const start = process.hrtime.bigint();
      const child = spawnSync(process.execPath, ['bin/linkgate.js', 'validate', '--policies', hugeDir], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`linkgate validate failed: ${child.stdout}${child.stderr}`);
      return ms(start);
    });
    const floorProcess = await repeat(QUICK ? 2 : 5, () => {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(path.join(hugeDir, 'huge.json'))}, 'utf8'))`]);
      return ms(start);
    });
    report.line(`\`linkgate validate\` on the huge policy, new process, wall time: ${formatMs(validate)} (goal < 2 s: ${verdict(validate.median < 2000)}); peer: \`node -e\` reading and parsing the same file, ${formatMs(floorProcess)}.`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
