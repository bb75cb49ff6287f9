#!/usr/bin/env node
// The CLI runs from compiled output (built by `npm run build`, which `npm ci` runs via `prepare`),
// so users never need a TypeScript loader or a global install.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Known errors are handled in main with their own exit codes; anything reaching here is an
    // unexpected failure of the operation (exit 1), not bad usage.
    console.error(`linkgate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
