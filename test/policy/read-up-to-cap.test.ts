/**
 * A policy file read while it changes: fstat's size is a hint, never the end. A reader over a byte
 * array stands in for the file, so growth between fstat and read is shown without racing a writer.
 */
import { describe, expect, it } from 'vitest';
import { readUpToCap, type PositionalReader } from '../../src/policy/read-up-to-cap.js';

/** The file's bytes, served at most `chunk` at a time (a file system that reads in parts). */
function fileOf(content: Buffer, chunk = Number.MAX_SAFE_INTEGER): PositionalReader & { reads: number } {
  const reader = {
    reads: 0,
    read: async (buffer: Buffer, offset: number, length: number, position: number) => {
      reader.reads++;
      const bytesRead = content.copy(buffer, offset, position, Math.min(content.length, position + Math.min(length, chunk)));
      return { bytesRead };
    },
  };
  return reader;
}

const text = (n: number) => Buffer.from('x'.repeat(n));

describe('readUpToCap', () => {
  it('reads a file of the size fstat said in one read', async () => {
    const file = fileOf(text(1000));
    expect((await readUpToCap(file, 1000, 4096)).toString()).toBe('x'.repeat(1000));
    expect(file.reads).toBe(1);
  });

  it('reads a file that grew after fstat to its end, not a prefix one byte past the old size', async () => {
    const grown = Buffer.from(`{"name": "p", "targets": []}${' '.repeat(5000)}`);
    expect((await readUpToCap(fileOf(grown), 10, 1 << 20)).equals(grown)).toBe(true);
  });

  it('stops one byte past the cap however the file grew, so the caller can refuse it', async () => {
    const bytes = await readUpToCap(fileOf(text(10_000)), 10, 4096);
    expect(bytes.length).toBe(4097);
  });

  it('reads on past short reads, and ends a file that shrank at its real end', async () => {
    expect((await readUpToCap(fileOf(text(3000), 7), 3000, 4096)).length).toBe(3000);
    expect((await readUpToCap(fileOf(text(100)), 3000, 4096)).length).toBe(100);
  });
});
