/**
 * Issue 11 Build 3: listing and exporting an audit file stays in bounded memory whatever its
 * size. Before, the file was read whole, and a 587 MB file failed with "Invalid string length".
 * `linkgate audit export` and a full-scan `linkgate audit list` run in a child process whose heap
 * is capped well below what holding either file would take; the same cap serves a file and one
 * ten times larger. `npm run test:full` does it with a 1 GB file (generated here, deleted after).
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LISTER = fileURLToPath(new URL('./support/list-audit-file.mjs', import.meta.url));
const REGISTER = fileURLToPath(new URL('./support/register-ts.mjs', import.meta.url));
/** Old-space cap of the child: the 10× file alone is larger than this. */
const HEAP_CAP_MB = 48;
const FULL = process.env['LINKGATE_FULL'] === '1';

const TARGET = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pls-one';
const CONSUMER = '22222222-2222-2222-2222-222222222222';

/**
 * Writes records until the file reaches `bytes`: mostly plain appends, every tenth a claim whose
 * completion line (rev 1) lands a few records later, as the pipeline writes them. Returns how
 * many distinct records it holds.
 */
async function writeAuditFile(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let records = 0;
  const start = Date.parse('2024-01-01T00:00:00.000Z');
  const open: string[] = [];
  const line = (text: string): Promise<void> | undefined => {
    written += Buffer.byteLength(text) + 1;
    if (!out.write(text + '\n')) return new Promise((resolve) => out.once('drain', resolve));
    return undefined;
  };
  for (let i = 0; written < bytes; i++) {
    const claim = i % 10 === 0;
    const record = {
      id: `rec-${i}`,
      time: new Date(start + i * 1000).toISOString(),
      trigger: { type: 'event', eventId: `evt-${i}`, eventType: 'Microsoft.Resources.ResourceWriteSuccess' },
      target: TARGET,
      connectionId: `${TARGET}/privateEndpointConnections/conn-${i}`,
      privateEndpointId: `/subscriptions/${CONSUMER}/resourceGroups/rg-c/providers/Microsoft.Network/privateEndpoints/pe-${i}`,
      consumerSubscriptionId: CONSUMER,
      requestMessage: 'CHG000123 nightly export of the payments ledger to the reporting warehouse',
      previousStatus: 'Pending',
      decision: claim ? 'approve' : 'manual',
      enforced: claim,
      policy: 'payments-pls',
      reasons: ['consumer subscription is in autoApproval', 'request message matches ^(CHG|INC)[0-9]{6}'],
      shadow: [],
      policyRevision: 'sha256:0f3c5d7e9a1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d',
      action: claim ? { status: 'pending' } : { status: 'skipped' },
      durationMs: 3,
      idempotencyKey: `${TARGET.toLowerCase()}/privateendpointconnections/conn-${i}|W/"etag-1"`,
      ...(claim ? { leaseUntil: new Date(start + i * 1000 + 60_000).toISOString() } : {}),
    };
    records++;
    await line(JSON.stringify(record));
    if (claim) open.push(JSON.stringify({ ...record, action: { status: 'succeeded', httpStatus: 200 }, rev: 1 }));
    if (open.length > 0 && i % 10 === 3) await line(open.shift() as string);
  }
  for (const completion of open) await line(completion);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return records;
}

interface ListerResult {
  exportCode: number;
  exportRows: number;
  listCode: number;
  listHead: string;
  peakHeapMb: number;
  /** The most the heap held after a full collection: what the reader keeps, not when V8 collects. */
  liveHeapMb: number;
}

async function listInCappedChild(file: string): Promise<ListerResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--expose-gc', '--experimental-strip-types', '--no-warnings', '--import', REGISTER, LISTER], {
    env: { ...process.env, LINKGATE_AUDIT_STORE: 'file', LINKGATE_AUDIT_PATH: file, LINKGATE_LOG_LEVEL: 'silent' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ListerResult;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-audit-size-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit files of any size', () => {
  it(`lists and exports a file and one ten times larger under the same ${HEAP_CAP_MB} MB heap`, async () => {
    const results: { bytes: number; records: number; result: ListerResult }[] = [];
    for (const [name, bytes] of [['small.jsonl', 6 << 20], ['large.jsonl', 60 << 20]] as const) {
      const file = join(dir, name);
      const records = await writeAuditFile(file, bytes);
      const result = await listInCappedChild(file);
      results.push({ bytes: (await stat(file)).size, records, result });
      await rm(file);
    }
    for (const { records, result } of results) {
      expect(result.exportCode).toBe(0);
      expect(result.exportRows).toBe(records);
      expect(result.listCode).toBe(0);
      expect(result.listHead).toBe('[]');
    }
    const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
    // Ten times the file is not ten times the memory: what the reader keeps alive for the larger
    // file is the small one's and a margin (measured 15 and 16 MB). The raw peak moves with when V8
    // collects under the cap, so it is reported, not compared.
    expect(large.result.liveHeapMb).toBeLessThan(small.result.liveHeapMb + 8);
    expect(large.bytes).toBeGreaterThan(HEAP_CAP_MB << 20);
  }, 180_000);

  it.runIf(FULL)('lists and exports a 1 GB file (npm run test:full)', async () => {
    const file = join(dir, 'gigabyte.jsonl');
    const records = await writeAuditFile(file, 1 << 30);
    try {
      const started = performance.now();
      const result = await listInCappedChild(file);
      // The figures docs/reliability.md quotes; printed, never asserted on (the time is the machine's).
      console.log(`\n[audit file ${(await stat(file)).size} bytes, ${records} records] export and list under a ${HEAP_CAP_MB} MB heap cap: peak heap ${result.peakHeapMb} MB (${result.liveHeapMb} MB live after collection), ${Math.round((performance.now() - started) / 1000)} s`);
      expect(result).toMatchObject({ exportCode: 0, exportRows: records, listCode: 0, listHead: '[]' });
    } finally {
      await rm(file, { force: true });
    }
  }, 1_800_000);
});
