import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/cli/progress.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 80, text: () => chunks.join('') });
}

describe('createProgress', () => {
  it('prints a plain line per 10 % when not on a terminal, and passes log lines through', () => {
    const out = sink(false);
    const progress = createProgress(out, 'reconcile', () => 0);
    for (let done = 0; done <= 20; done++) progress.update(done, 20);
    progress.log('{"level":"warn"}\n');
    progress.finish();
    const lines = out.text().split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => l.startsWith('reconcile: '))).toHaveLength(11);
    expect(lines.at(-1)).toBe('{"level":"warn"}');
    expect(out.text()).not.toContain('\r');
  });

  it('on a terminal, a log line clears the bar, takes its own line, and the bar is drawn again after it', () => {
    const out = sink(true);
    const progress = createProgress(out, 'reconcile', () => 0);
    progress.update(1, 4);
    progress.log('drift found\n');
    progress.update(4, 4);
    progress.finish();
    progress.finish();
    const text = out.text();
    expect(text).toContain('\r\x1b[2Kdrift found\nreconcile [');
    // What a terminal shows at the end: the log line, then the finished bar on its own line.
    const shown = text.split('\n').map((line) => line.split('\r').at(-1)?.replace('\x1b[2K', ''));
    expect(shown).toEqual(['drift found', expect.stringMatching(/^reconcile \[█+\] 4\/4 0\.0s$/u), '']);
  });
});
