#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript (npm run build).
let main;
try {
  ({ main } = require('../dist/src/cli/main.js'));
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  console.error('ocroute is not built: run `npm run build` (or `npm ci`, which builds it)');
  process.exit(1);
}
// A negative code means a long-running command (serve) that exits on its own.
main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exitCode = code; });
