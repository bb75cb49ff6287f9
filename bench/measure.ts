/** Timing helpers for the benchmarks: warm up, then measure over a fixed count (never an open-ended loop). */
export function measure(label: string, iterations: number, body: (i: number) => void): { label: string; perSecond: number; nsPerOp: number } {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) body(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  const ns = Number(process.hrtime.bigint() - start);
  return { label, perSecond: (iterations / ns) * 1e9, nsPerOp: ns / iterations };
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)} k/s` : `${perSecond.toFixed(0)} /s`;
}
