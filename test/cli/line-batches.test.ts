/**
 * lineBatches must split exactly as readline does with crlfDelay Infinity (what `linkgate
 * evaluate` used before): \n, \r\n, a lone \r, breaks torn across chunks, UTF-8 characters torn
 * across Buffer chunks, empty lines and a last line without a newline.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineBatches } from '../../src/cli/line-batches.js';

async function viaReadline(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function viaBatches(chunks: ReadonlyArray<Buffer | string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) lines.push(...batch);
  return lines;
}

/** The bytes of `text` cut at the given offsets (so multi-byte characters and \r\n can tear). */
function cut(text: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) chunks.push(bytes.subarray(from, c));
    from = c;
  }
  return chunks;
}

describe('lineBatches', () => {
  it('splits as readline does, however the input is chunked', async () => {
    const piece = fc.constantFrom('{"a":1}', 'é', '€', '😀', '\n', '\r\n', '\r', '', ' ', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(200), { maxLength: 8 }), async (pieces, cuts) => {
        const chunks = cut(pieces.join(''), cuts);
        expect(await viaBatches(chunks)).toEqual(await viaReadline(chunks));
      }),
      { numRuns: 500, seed: 8 },
    );
  });

  it('takes string chunks too, and yields one batch per chunk', async () => {
    const batches: string[][] = [];
    for await (const batch of lineBatches(Readable.from(['a\nb\n', 'c\r', '\nd']))) batches.push(batch);
    expect(batches).toEqual([['a', 'b'], ['c'], ['d']]);
  });
});
