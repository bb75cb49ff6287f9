#!/usr/bin/env node
// The CLI runs from compiled output (built by `npm run build`, which `npm ci` runs via `prepare`),
// so users never need a TypeScript loader or a global install.

// undici, @azure/identity and Azurite need Node.js 22; on an older Node they fail deep inside a
// dependency with a message that names neither. Say what is wrong and how to fix it instead.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `linkgate: Node.js 22 or later is required; this is Node.js ${process.versions.node}.\n` +
      'Run it through npm (npm start, npm run demo, npx linkgate …), which uses the node@22 this project installs,\n' +
      'or install Node.js 22 LTS.',
  );
  process.exit(1);
}

const { main } = await import('../dist/src/cli/main.js');
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
