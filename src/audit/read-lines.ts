/**
 * Line readers over a file of any size, a chunk at a time (memory bounded by the chunk and the
 * longest line): forwards from an offset, and backwards from an end offset (newest first, for
 * listings). Lines are split on the byte 0x0A, which never occurs inside a UTF-8 sequence.
 */
import { open } from 'node:fs/promises';

export interface FileLine {
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length without the newline. */
  length: number;
  text: string;
  /** False for a last line with no newline after it (an interrupted write). */
  terminated: boolean;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

async function openIfExists(path: string): Promise<Awaited<ReturnType<typeof open>> | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Lines from `start` up to `end` (default: the size when reading began). A missing file has none. */
export async function* linesForward(path: string, start = 0, end?: number): AsyncGenerator<FileLine> {
  const handle = await openIfExists(path);
  if (handle === undefined) return;
  try {
    const stop = end ?? (await handle.stat()).size;
    let carry = Buffer.alloc(0);
    let carryOffset = start;
    for (let position = start; position < stop; ) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, stop - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const buffer = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      let from = 0;
      for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, from)) {
        yield { offset: carryOffset + from, length: at - from, text: buffer.toString('utf8', from, at), terminated: true };
        from = at + 1;
      }
      carry = Buffer.from(buffer.subarray(from));
      carryOffset += from;
    }
    if (carry.length > 0) yield { offset: carryOffset, length: carry.length, text: carry.toString('utf8'), terminated: false };
  } finally {
    await handle.close();
  }
}

/** Lines from the end (default: the size when reading began) back to the start of the file. */
export async function* linesBackward(path: string, end?: number): AsyncGenerator<FileLine> {
  const handle = await openIfExists(path);
  if (handle === undefined) return;
  try {
    let position = end ?? (await handle.stat()).size;
    let endsWithNewline = true;
    if (position > 0) {
      const lastByte = Buffer.alloc(1);
      await handle.read(lastByte, 0, 1, position - 1);
      endsWithNewline = lastByte[0] === NEWLINE;
    }
    // The file's last segment is the one after its last newline: torn when the file does not end with one.
    let lastSegment = true;
    const terminated = (): boolean => {
      const torn = lastSegment && !endsWithNewline;
      lastSegment = false;
      return !torn;
    };
    // Bytes after the current chunk that belong to a line starting in an earlier chunk.
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.allocUnsafe(size);
      await handle.read(chunk, 0, size, position);
      const buffer = carry.length === 0 ? chunk : Buffer.concat([chunk, carry]);
      let to = buffer.length;
      // (A negative offset would make lastIndexOf search from the end: stop at 0.)
      for (let at = to > 0 ? buffer.lastIndexOf(NEWLINE, to - 1) : -1; at !== -1; at = to > 0 ? buffer.lastIndexOf(NEWLINE, to - 1) : -1) {
        const whole = terminated();
        if (at + 1 < to) yield { offset: position + at + 1, length: to - at - 1, text: buffer.toString('utf8', at + 1, to), terminated: whole };
        to = at;
      }
      carry = Buffer.from(buffer.subarray(0, to));
    }
    if (carry.length > 0) yield { offset: 0, length: carry.length, text: carry.toString('utf8'), terminated: terminated() };
  } finally {
    await handle.close();
  }
}
