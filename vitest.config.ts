import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'emulator/**/*.test.ts'],
    // Starts Azurite (the Azure Storage emulator) once, on loopback and a free port, for the Table store tests.
    globalSetup: ['./test/support/azurite.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
