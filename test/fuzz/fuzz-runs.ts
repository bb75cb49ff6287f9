import fc from 'fast-check';

/**
 * How many runs each property gets: a quick pass inside `npm test`, the full-size run with
 * `npm run fuzz` (LINKGATE_FUZZ_RUNS=10000).
 */
export const FUZZ_RUNS = Number(process.env['LINKGATE_FUZZ_RUNS'] ?? 300);

/**
 * `npm test` is a gate, so its quick pass draws the same cases every time: a red CI then means a
 * change broke something, never that the dice rolled badly. `npm run fuzz` explores with a new
 * seed each run; fast-check prints the seed of any failure, and LINKGATE_FUZZ_SEED replays it.
 */
const seed = process.env['LINKGATE_FUZZ_SEED'] ?? (process.env['LINKGATE_FUZZ_RUNS'] === undefined ? '20261125' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
