/**
 * Writes a chunk and, when the stream's buffer is full, waits for 'drain', so a large output
 * (JSON Lines, CSV) never piles up in memory. Returns undefined when there is nothing to wait
 * for, so a hot loop allocates no promise per line.
 */
export interface DrainableStream {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export function writeWithBackpressure(stream: DrainableStream, chunk: string): Promise<void> | undefined {
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}
