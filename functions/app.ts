/**
 * The Functions app: every function of it, registered with the worker on import. This is the
 * entry that scripts/bundle-functions.mjs bundles into dist/functions-app/main.js (package.json
 * `main`), so the worker loads one file. The handlers are exported too, so a benchmark can drive
 * the bundle's first event the way the worker does.
 */
export { connectionEvents } from './connection-events.js';
export { sweep } from './sweep.js';
