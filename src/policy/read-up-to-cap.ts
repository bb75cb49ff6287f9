/**
 * Reads an open file to its end, but never more than one byte past a cap, whatever its size was
 * said to be: a policy file may grow or shrink between fstat and the read (an editor saving it).
 */

/** What is read from: a FileHandle's `read`, or a test's. */
export interface PositionalReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/**
 * The bytes of the file, at most `cap + 1` of them (more than `cap` means: over the cap). The
 * buffer is sized from `sizeHint` (fstat's count) plus one byte, which tells a file that grew; it
 * is then read on, so what comes back is never a cut-off prefix of the file.
 */
export async function readUpToCap(reader: PositionalReader, sizeHint: number, cap: number): Promise<Buffer> {
  const limit = cap + 1;
  let buffer = Buffer.allocUnsafe(Math.min(sizeHint + 1, limit));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length === limit) break;
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const wanted = buffer.length - length;
    const { bytesRead } = await reader.read(buffer, length, wanted, length);
    length += bytesRead;
    // Short of what was asked, with all that fstat counted: the end, without a second read just to
    // be told 0 bytes. Short of fstat's count (a file system that reads in parts, a file
    // shrinking), read on to a 0.
    if (bytesRead === 0 || (bytesRead < wanted && length >= sizeHint)) break;
  }
  return buffer.subarray(0, length);
}
