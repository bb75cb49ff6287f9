/**
 * Progress for long work: a redrawn bar on a terminal, a plain line every 10% otherwise (CI logs
 * and pipes get something readable rather than carriage returns).
 */
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function createProgress(stream: Writable & { isTTY?: boolean; columns?: number }, label: string, now: () => number = Date.now): Progress {
  const started = now();
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done, total) {
      const fraction = total === 0 ? 1 : Math.min(1, done / total);
      if (stream.isTTY === true) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
        const filled = Math.round(fraction * width);
        const seconds = ((now() - started) / 1000).toFixed(1);
        stream.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${seconds}s`);
        drawn = true;
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${label}: ${done}/${total} (${Math.round(fraction * 100)}%)\n`);
        }
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
