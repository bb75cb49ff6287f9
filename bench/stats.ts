/**
 * How each figure is measured: micro-benchmarks through mitata's sampler (warm-up, many samples,
 * percentiles), macro runs (a process, a CLI run, an end-to-end load) repeated a fixed number of
 * times. Every figure is a median with its spread, so two figures of one run can be compared.
 */
import { measure as mitataMeasure } from 'mitata';

/** `npm run bench -- --quick`: fewer samples and smaller end-to-end runs, for a check in minutes. */
export const QUICK = process.argv.includes('--quick');

export interface Figure {
  /** Median of the samples. */
  median: number;
  /** Spread: the 25th and 75th percentiles for samplers, min and max for repeated runs. */
  low: number;
  high: number;
  samples: number;
}

/** Nanoseconds per call of `body` (mitata's sampler: warm-up, then samples until enough CPU time). */
export async function nsPerCall(body: () => unknown): Promise<Figure> {
  const stats = await mitataMeasure(body, { min_cpu_time: (QUICK ? 200 : 600) * 1e6, max_samples: QUICK ? 200 : 1_000, min_samples: 8 });
  return { median: stats.p50, low: stats.p25, high: stats.p75, samples: stats.samples.length };
}

/** Runs `once` `times` times (after one unmeasured warm-up when asked), each returning its own figure. */
export async function repeat(times: number, once: () => Promise<number> | number, options: { warmUp?: boolean } = {}): Promise<Figure> {
  if (options.warmUp === true) await once();
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await once());
  values.sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { median, low: values[0]!, high: values.at(-1)!, samples: values.length };
}

export function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/** "123 ms (118–131)". */
export function formatMs(figure: Figure, digits = 0): string {
  return `${figure.median.toFixed(digits)} ms (${figure.low.toFixed(digits)}–${figure.high.toFixed(digits)})`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)} k/s` : `${perSecond.toFixed(0)} /s`;
}

/** A rate from a per-batch time figure: "1.23 M/s (1.18–1.27)"; low/high swap, a longer time is a lower rate. */
export function formatRateFigure(nsPerBatch: Figure, batch: number): string {
  const rate = (ns: number): number => (batch / ns) * 1e9;
  return `${formatRate(rate(nsPerBatch.median))} (${formatRate(rate(nsPerBatch.high))}–${formatRate(rate(nsPerBatch.low))})`;
}

export function ratePerSecond(nsPerBatch: Figure, batch: number): number {
  return (batch / nsPerBatch.median) * 1e9;
}

export function verdict(met: boolean): string {
  return met ? '**met**' : '**NOT met**';
}
