/**
 * What a CLI command may touch. Commands take it as an argument (never `process` directly) so tests
 * run them in-process with captured streams and a fake environment.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The clock decisions are made by (leases, retry backoff); default the wall clock. Tests move it instead of waiting. */
  now?: () => Date;
  /** The ARM client's clock and sleep (backoff, Retry-After, polling, pacing); default the wall clock. Tests share one with the emulator's buckets. */
  armClock?: { now: () => number; sleep: (ms: number) => Promise<void> };
}

/** Exit codes (DESIGN §3): 0 success, 1 a failed check, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type CommandRun = (args: string[], io: CliIo) => Promise<number>;

/** Thrown by argument parsing; main prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A write to a pipe whose reader has gone (`linkgate evaluate … | head -1`). */
export function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE';
}

/**
 * When the reader of a pipe exits early there is nobody left to tell, and nothing went wrong
 * that the user asked about: stop at once, quietly, with exit 0 as `head` expects of its
 * writer. Any other stream error keeps Node's default (an uncaught error).
 */
export function stopQuietlyOnBrokenPipe(stream: Writable, stop: () => void): void {
  stream.on('error', (error) => {
    if (isBrokenPipe(error)) stop();
    else throw error;
  });
}

export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) stopQuietlyOnBrokenPipe(stream, () => process.exit(EXIT_OK));
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
