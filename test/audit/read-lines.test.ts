import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linesBackward, linesForward } from '../../src/audit/read-lines.js';
import { collectAsync } from '../../src/util/collect-async.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkgate-lines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});


describe('line readers', () => {
  it.each([
    ['terminated lines', 'a\nbb\n\nccc\n'],
    ['a torn last line', 'a\nbb\nccc'],
    ['one line without a newline', 'only'],
    ['empty', ''],
    ['multi-byte text across chunk boundaries', `${'é'.repeat(700_000)}\n${'😀'.repeat(400_000)}\nx\n`],
  ])('read %s the same forwards and backwards, with byte offsets', async (_name, text) => {
    const file = join(dir, 'f.txt');
    await writeFile(file, text);
    const forward = await collectAsync(linesForward(file));
    const backward = await collectAsync(linesBackward(file));
    const expected = text.split('\n');
    const endsWithNewline = text.endsWith('\n');
    if (endsWithNewline || text === '') expected.pop();
    expect(forward.map((l) => l.text).filter((t) => t !== '')).toEqual(expected.filter((t) => t !== ''));
    expect(backward.map((l) => l.text)).toEqual([...expected].reverse().filter((t) => t !== ''));
    const bytes = Buffer.from(text);
    for (const line of [...forward, ...backward]) {
      expect(bytes.toString('utf8', line.offset, line.offset + line.length)).toBe(line.text);
    }
    const last = text === '' ? undefined : backward[0];
    if (last !== undefined) expect(last.terminated).toBe(endsWithNewline);
    expect(backward.slice(1).every((l) => l.terminated)).toBe(true);
  });

  it('reads nothing from a missing file', async () => {
    expect(await collectAsync(linesForward(join(dir, 'none')))).toEqual([]);
    expect(await collectAsync(linesBackward(join(dir, 'none')))).toEqual([]);
  });
});
