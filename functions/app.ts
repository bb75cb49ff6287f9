/**
 * The Functions app: every function of it, registered with the worker on import. This is the
 * entry that scripts/bundle-functions.mjs bundles into dist/functions-app/main.js (package.json
 * `main`), so the worker loads one file.
 */
import './connection-events.js';
import './sweep.js';
