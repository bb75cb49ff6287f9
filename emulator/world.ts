/**
 * The emulator's world in one import: its types (world-types.ts), reading one from JSON
 * (load-world.ts) and generating one for load tests (generate-world.ts).
 */
export * from './world-types.js';
export { loadWorld } from './load-world.js';
export { DEFAULT_GENERATED_TYPES, generateWorld, type GenerateWorldOptions } from './generate-world.js';
export { seededRandom } from './seeded-random.js';
