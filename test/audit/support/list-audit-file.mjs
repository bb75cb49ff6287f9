// A child process of audit-file-size.test.ts, started with a small heap cap: runs
// `linkgate audit export` (JSON Lines) and a full-scan `linkgate audit list` over LINKGATE_AUDIT_PATH
// and prints what they produced, the peak heap seen and the peak heap left after a collection
// (started with --expose-gc), as one JSON line.
import { Readable, Writable } from 'node:stream';
import { clearInterval, setInterval } from 'node:timers';
import { main } from '../../../src/cli/main.ts';

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
};
const timer = setInterval(sample, 5);
// What the heap holds after a full collection, sampled while the commands run: the peak above
// moves with when V8 chooses to collect, this one only with what the reader keeps alive.
let live = 0;
const sampleLive = () => {
  globalThis.gc();
  live = Math.max(live, process.memoryUsage().heapUsed);
};
const liveTimer = setInterval(sampleLive, 50);

function io() {
  const out = { bytes: 0, newlines: 0, head: '' };
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      const text = chunk.toString('utf8');
      out.bytes += chunk.length;
      if (out.head.length < 2000) out.head += text.slice(0, 2000);
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.newlines++;
      sample();
      done();
    },
  });
  const stderr = new Writable({ write: (_chunk, _encoding, done) => done() });
  return { out, io: { stdin: Readable.from([]), stdout, stderr, env: process.env, cwd: process.cwd() } };
}

const exported = io();
const exportCode = await main(['audit', 'export', '--format', 'jsonl'], exported.io);
const listed = io();
// No record is a rejection: the list reads the whole file to find none.
const listCode = await main(['audit', 'list', '--json', '--decision', 'reject', '--limit', '10'], listed.io);
clearInterval(timer);
clearInterval(liveTimer);
sample();
sampleLive();
process.stdout.write(JSON.stringify({ exportCode, exportRows: exported.out.newlines, listCode, listHead: listed.out.head.trim(), peakHeapMb: Math.round(peak / 1048576), liveHeapMb: Math.round(live / 1048576) }) + '\n');
