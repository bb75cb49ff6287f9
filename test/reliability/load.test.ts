/**
 * Load (issue 7): N events through `linkgate serve` against the ARM emulator (ARM-sized buckets,
 * client pacing on): 1,000 in `npm test`, 10,000 with LINKGATE_FULL=1. Prints throughput, p50/p99
 * handling latency and peak RSS; asserts the outcome only (every event accepted in bounded
 * redeliveries, every connection as policy says, each decided one written once), never the time.
 * The same driver is `npm run bench -- load` (bench/load.bench.ts).
 */
import { describe, expect, it } from 'vitest';
import { connectionToArm } from '../../emulator/arm-emulator.js';
import { describeLoad, runLoad } from '../../bench/load.bench.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { FULL } from './scenario.js';

const EVENTS = FULL ? 10_000 : 1_000;

describe('load through linkgate serve', () => {
  it(`${EVENTS} events: all accepted, every connection as policy says, each decision written once`, async () => {
    const result = await runLoad({ events: EVENTS, deadlineMs: FULL ? 900_000 : 120_000 });
    console.log(`\n[load ${EVENTS} events]\n  ` + describeLoad(result).join('\n  '));

    expect(result.unsent).toBe(0);
    expect(result.delivered).toBe(EVENTS);
    const loaded = validatePolicyDocuments([{ file: 'load.json', text: result.policyText }]);
    if (!loaded.ok) throw new Error('load policy invalid');
    const policies = compilePolicies(loaded.set);
    let decided = 0;
    const mismatches: string[] = [];
    for (const provider of result.world.providers) {
      for (const c of provider.connections) {
        const key = `${provider.id}/privateEndpointConnections/${c.name}`.toLowerCase();
        const before = result.initial.get(key);
        if (before !== 'Pending') {
          if (c.status !== before) mismatches.push(`${c.name}: was ${before}, now ${c.status}`);
          continue;
        }
        // Subscription rules only: the decision needs nothing but the connection itself.
        const decision = evaluate(policies, { connection: connectionToArm(provider, { ...c, status: 'Pending' }) }).decision;
        const wanted = decision === 'approve' ? 'Approved' : decision === 'reject' ? 'Rejected' : 'Pending';
        if (wanted !== 'Pending') decided++;
        if (c.status !== wanted) mismatches.push(`${c.name}: ${c.status}, policy says ${wanted}`);
        const writes = result.arm.writesByConnection[key] ?? 0;
        if (writes !== (wanted === 'Pending' ? 0 : 1)) mismatches.push(`${c.name}: ${writes} writes`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(result.arm.writes).toBe(decided);
    expect(result.arm.nonPendingWrites).toEqual([]);
  }, FULL ? 1_000_000 : 150_000);
});
