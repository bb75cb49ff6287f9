/**
 * Progress for long work: a redrawn bar on a terminal, a plain line every 10% otherwise (CI logs
 * and pipes get something readable rather than carriage returns). Log lines written meanwhile go
 * through `log`, which on a terminal clears the bar, writes the line and draws the bar again, so
 * the two never end up on one line.
 */
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number): void;
  /** Writes one line (ending in a newline) around the bar. */
  log(line: string): void;
  finish(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function createProgress(stream: Writable & { isTTY?: boolean; columns?: number }, label: string, now: () => number = Date.now): Progress {
  const started = now();
  let lastDecile = -1;
  let bar: string | undefined;

  const draw = (done: number, total: number): string => {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
    const filled = Math.round(fraction * width);
    const seconds = ((now() - started) / 1000).toFixed(1);
    return `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${seconds}s`;
  };

  return {
    update(done, total) {
      if (stream.isTTY === true) {
        bar = draw(done, total);
        stream.write(`\r${bar}`);
        return;
      }
      const fraction = total === 0 ? 1 : Math.min(1, done / total);
      const decile = Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total} (${Math.round(fraction * 100)}%)\n`);
      }
    },
    log(line) {
      if (bar === undefined) {
        stream.write(line);
        return;
      }
      stream.write(`${CLEAR_LINE}${line}${bar}`);
    },
    finish() {
      if (bar !== undefined) stream.write('\n');
      bar = undefined;
    },
  };
}
