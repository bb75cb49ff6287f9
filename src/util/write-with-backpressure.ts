/**
 * Writes a chunk and, when the stream's buffer is full, waits for 'drain', so a large output
 * (JSON Lines, CSV) never piles up in memory. Returns undefined when there is nothing to wait
 * for, so a hot loop allocates no promise per line. A stream that fails instead of draining
 * (a closed pipe, a full disk) rejects the wait: it would never drain, and the writer would hang.
 */
export interface DrainableStream {
  write(chunk: string): boolean;
  once(event: 'drain' | 'error', listener: (error?: unknown) => void): unknown;
  removeListener?(event: 'drain' | 'error', listener: (error?: unknown) => void): unknown;
}

export function writeWithBackpressure(stream: DrainableStream, chunk: string): Promise<void> | undefined {
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stream.removeListener?.('error', onError);
      resolve();
    };
    const onError = (error?: unknown): void => {
      stream.removeListener?.('drain', onDrain);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
