/**
 * How many runs each property gets: a quick pass inside `npm test`, the full-size run with
 * `npm run fuzz` (LINKGATE_FUZZ_RUNS=10000).
 */
export const FUZZ_RUNS = Number(process.env['LINKGATE_FUZZ_RUNS'] ?? 300);
