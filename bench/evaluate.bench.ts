/**
 * In-process evaluation against the issue-sized policy set (10,000 subscriptions, 100,000 CIDRs,
 * 10,000 subnet patterns over 100 policies), one core, on 30,000 distinct cases (beyond the CPU
 * caches) and 1,000 (in cache). Peers in the same run: a straightforward evaluator that scans the
 * lists linearly, and the same policies in Cedar through @cedar-policy/cedar-wasm (cedar-peer.ts),
 * whose decisions must agree with linkgate's on every case before any speed is compared.
 *
 * One decision is one `evaluate()` call on one case as parsed ARM JSON: reading the connection
 * (ID, status, description, endpoint ID) and, when a governing policy asks, the endpoint (subnet,
 * IPs); resolving the target; every governing policy's rules; the Decision with its reasons.
 * Beside it, the floor of touching the same case fields without deciding anything, so that the
 * cost of fetching 30,000 cases from memory is seen apart from the cost of deciding.
 */
import type { BenchReporter } from './run.js';
import { compilePolicies } from '../src/policy/compile-policies.js';
import { evaluate } from '../src/policy/evaluate.js';
import { parseCidr } from '../src/net/cidr.js';
import { parseIp } from '../src/net/ip-address.js';
import { bigPolicySet, benchCases } from './big-policy-set.js';
import { cedarPeer } from './cedar-peer.js';
import { QUICK, formatRateFigure, nsPerCall, ratePerSecond, verdict } from './stats.js';
import type { EvaluationCase, PolicyDocument } from '../src/policy/types.js';

type ArmCase = {
  connection: { id: string; properties: { privateEndpoint: { id: string }; privateLinkServiceConnectionState: { status: string; description: string } } };
  privateEndpoint: { properties: { subnet: { id: string }; ipConfigurations: Array<{ properties: { privateIPAddress: string } }> } };
};

/** The memory floor: the fields a decision reads, each string touched at both ends, nothing decided. */
function touchFields(input: EvaluationCase): number {
  const { connection, privateEndpoint } = input as unknown as ArmCase;
  const state = connection.properties.privateLinkServiceConnectionState;
  const ip = privateEndpoint.properties.ipConfigurations[0]!.properties.privateIPAddress;
  let sum = state.status.length + state.description.length;
  for (const text of [connection.id, connection.properties.privateEndpoint.id, privateEndpoint.properties.subnet.id, ip]) sum += text.charCodeAt(0) + text.charCodeAt(text.length - 1);
  return sum;
}

/** The naive peer: linear scans over the raw documents for the same decision shape. */
function naiveEvaluate(documents: PolicyDocument[], input: EvaluationCase): string {
  const c = input.connection as { id: string; properties: { privateEndpoint: { id: string } } };
  const target = c.id.split('/').slice(0, -2).join('/').toLowerCase();
  const consumer = c.properties.privateEndpoint.id.split('/')[2]?.toLowerCase() ?? '';
  const ep = input.privateEndpoint as { properties: { ipConfigurations: Array<{ properties: { privateIPAddress: string } }> } };
  const ip = parseIp(ep.properties.ipConfigurations[0]?.properties.privateIPAddress);
  for (const d of documents) {
    const prefix = d.targets[0]!.slice(0, -2).toLowerCase();
    if (!target.startsWith(prefix)) continue;
    if (d.autoApproval?.some((s) => s.toLowerCase() === consumer)) return 'approve';
    for (const entry of d.trustedSubnets ?? []) {
      const block = parseCidr(entry);
      if (block.ok && ip?.version === 4 && block.cidr.version === 4 && ip.value >= block.cidr.start && ip.value <= block.cidr.end) return 'approve';
    }
    return 'manual';
  }
  return 'ignore';
}

export async function run(report: BenchReporter): Promise<void> {
  report.section('Decisions per second (in process, one core)');
  const big = bigPolicySet();
  const compiled = compilePolicies(big.set);
  // Cases as they arrive from ARM: parsed JSON (flat strings), not strings built in code.
  const cases = JSON.parse(JSON.stringify(benchCases(big, 30_000))) as ReturnType<typeof benchCases>;
  const documents = big.set.policies.map((p) => p.document);
  const cedar = cedarPeer(big);
  const tally: Record<string, number> = {};
  // Cedar takes milliseconds a decision here, so it runs on the first CEDAR_CASES cases, and its
  // decisions are checked against linkgate's on every one of them before it is timed on them.
  const CEDAR_CASES = QUICK ? 600 : 3_000;
  for (let i = 0; i < cases.length; i++) {
    const ours = evaluate(compiled, cases[i]!).decision;
    tally[ours] = (tally[ours] ?? 0) + 1;
    if (i < 2_000 && naiveEvaluate(documents, cases[i]!) !== ours) throw new Error(`the naive peer disagrees on case ${i}`);
    if (i < CEDAR_CASES && cedar.allows(cases[i]!) !== (ours === 'approve')) throw new Error(`Cedar disagrees on case ${i}: linkgate ${ours}`);
  }
  const BATCH = 1_000;
  let cursor = 0;
  const distinct = await nsPerCall(() => {
    for (let k = 0; k < BATCH; k++) {
      evaluate(compiled, cases[cursor]!);
      cursor = cursor + 1 === cases.length ? 0 : cursor + 1;
    }
  });
  let floorCursor = 0;
  let floorSum = 0;
  const floor = await nsPerCall(() => {
    for (let k = 0; k < BATCH; k++) {
      floorSum += touchFields(cases[floorCursor]!);
      floorCursor = floorCursor + 1 === cases.length ? 0 : floorCursor + 1;
    }
  });
  if (floorSum < 0) throw new Error('unreachable: keeps the floor loop from being optimised away');
  const hot = cases.slice(0, 1_000);
  const inCache = await nsPerCall(() => {
    for (let k = 0; k < BATCH; k++) evaluate(compiled, hot[k]!);
  });
  let naiveCursor = 0;
  const naive = await nsPerCall(() => {
    for (let k = 0; k < 10; k++) naiveEvaluate(documents, cases[(naiveCursor = (naiveCursor + 1) % cases.length)]!);
  });
  let cedarCursor = 0;
  const cedarFigure = await nsPerCall(() => {
    cedar.allows(cases[(cedarCursor = (cedarCursor + 1) % CEDAR_CASES)]!);
  });
  const rate = ratePerSecond(distinct, BATCH);
  report.line(`${cases.length.toLocaleString('en')} distinct cases as parsed ARM JSON (a third approved by subscription, a third by endpoint IP, a third left manual after every list missed): ${JSON.stringify(tally)}. The naive peer agrees on the first 2,000; Cedar agrees with linkgate (allow ⇔ approve; linkgate's manual and reject are Cedar's deny) on every one of the ${CEDAR_CASES.toLocaleString('en')} cases it is timed on. One decision is one \`evaluate()\` call on one case as parsed ARM JSON: reading the connection and, when a policy asks, the endpoint; resolving the target; every governing policy's rules; the decision with its reasons. Median decisions/s with the 25th–75th percentile range.`);
  report.line('');
  report.line('| evaluator | decisions/s | linkgate is |');
  report.line('| --- | ---: | ---: |');
  report.line(`| linkgate \`evaluate()\`, 30,000 distinct cases | ${formatRateFigure(distinct, BATCH)} | goal ≥ 1 M/s: ${verdict(rate >= 1e6)} |`);
  report.line(`| touching the same case fields only, 30,000 distinct cases (memory floor, nothing decided) | ${formatRateFigure(floor, BATCH)} | linkgate decides at 1/${(ratePerSecond(floor, BATCH) / rate).toFixed(0)} of this rate |`);
  report.line(`| linkgate \`evaluate()\`, 1,000 cases (in cache) | ${formatRateFigure(inCache, BATCH)} | |`);
  report.line(`| naive linear scan (peer), distinct cases | ${formatRateFigure(naive, 10)} | ${(rate / ratePerSecond(naive, 10)).toFixed(0)}× (goal ≥ 100×: ${verdict(rate / ratePerSecond(naive, 10) >= 100)}) |`);
  report.line(`| Cedar ${cedar.version} (cedar-wasm, pre-parsed policy set), first ${CEDAR_CASES.toLocaleString('en')} cases | ${formatRateFigure(cedarFigure, 1)} | ${(rate / ratePerSecond(cedarFigure, 1)).toFixed(0)}× (goal ≥ 10×: ${verdict(rate / ratePerSecond(cedarFigure, 1) >= 10)}) |`);
}
