/**
 * Pacing beyond the burst, in virtual time (one clock for the emulator's buckets and the client's
 * pacing, moved only by the client's sleeps), so a busy machine cannot refill a bucket behind the
 * test's back or drain it faster than the test meant: the emulator's buckets and the client's pacing are both
 * scaled by the same factor from ARM's shape (small burst, fast refill: the ArmClient `buckets`
 * option, which createRuntime passes through `armOptions`), over a world whose writes far exceed
 * the write burst in one subscription. With pacing on, the sweep drains the bucket and waits for
 * refills without a single 429; with pacing off the same world meets 429s, which shows the first
 * result is the pacing's doing and not a slow client.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator, type BucketOptions } from '../../emulator/arm-emulator.js';
import { generateWorld } from '../../emulator/world.js';
import { readConfig } from '../../src/config/read-config.js';
import { silentLogger } from '../../src/log/create-logger.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { wakeOrderClock } from '../support/virtual-clock.js';

const PROVIDER = 'f0000000-0000-4000-8000-000000000001';
/** ARM's shape (burst, then a steady refill) at 1/10 of the burst and 20× the refill. */
const SCALED: BucketOptions = { reads: { burst: 25, perSecond: 500 }, writes: { burst: 20, perSecond: 200 } };

describe('the sweep paces itself to the ARM buckets', () => {
  let dir: string;
  let emulator: ArmEmulator | undefined;
  let runtime: Runtime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkgate-pacing-'));
    await mkdir(join(dir, 'policies'));
    // Every Pending connection is decided (approve or reject): one write each.
    await writeFile(
      join(dir, 'policies', 'all.json'),
      JSON.stringify({ name: 'all', targets: [`/subscriptions/${PROVIDER}/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*`], otherwise: 'reject' }),
    );
  });
  afterEach(async () => {
    await runtime?.close();
    await emulator?.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function sweepWith(armOptions: Record<string, unknown>): Promise<{ emulator: ArmEmulator; summary: Awaited<ReturnType<typeof runSweep>> }> {
    const world = generateWorld({ targets: 24, connectionsPerTarget: 20, seed: 9, providerSubscriptions: [PROVIDER], types: [{ type: 'Microsoft.Network/privateLinkServices' }], mix: { pending: 80, approved: 20, rejected: 0 } });
    const clock = wakeOrderClock(1_700_000_000_000);
    emulator = await startArmEmulator({ world, buckets: SCALED, now: clock.now });
    const config = readConfig({
      LINKGATE_ARM_ENDPOINT: emulator.url,
      LINKGATE_ARM_TOKEN: emulator.token,
      LINKGATE_POLICY_DIR: join(dir, 'policies'),
      LINKGATE_AUDIT_PATH: join(dir, `audit-${Object.keys(armOptions).join('-')}.jsonl`),
      LINKGATE_SWEEP_SCOPES: PROVIDER,
      LINKGATE_CONCURRENCY: '16',
    });
    runtime = await createRuntime(config, { logger: silentLogger(), armOptions: { now: clock.now, sleep: clock.sleep, ...armOptions } });
    const summary = await runSweep(runtime, { revoke: false });
    return { emulator, summary };
  }

  it('drains the write bucket many times over without a 429', async () => {
    const { emulator: arm, summary } = await sweepWith({ buckets: { reads: SCALED.reads, writes: SCALED.writes } });
    const stats = arm.stats();
    expect(summary.errors).toEqual([]);
    expect(summary.totals.pending).toBeGreaterThan(SCALED.writes.burst * 10);
    expect(stats.writes).toBe(summary.totals.pending);
    expect(stats.throttled).toBe(0);
    expect(stats.byStatus['429']).toBeUndefined();
  });

  it('without client pacing the same sweep meets 429s', async () => {
    const { emulator: arm, summary } = await sweepWith({ pacing: false, maxAttempts: 1 });
    expect(arm.stats().throttled).toBeGreaterThan(0);
    expect(summary.totals.errors).toBeGreaterThan(0);
    expect(summary.transient).toBe(true);
  });
});
