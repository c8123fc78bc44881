#!/usr/bin/env node
'use strict';
// npm 11 runs dependency install scripts only when allowed (package.json "allowScripts").
// Without re2's build every NumberPattern fails to compile, so say so loudly, early.
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const missing = [
  ['re2', 'node_modules/re2/build/Release/re2.node'],
  ['better-sqlite3', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'],
].filter(([, p]) => !fs.existsSync(path.join(root, p)));
if (missing.length) {
  const names = missing.map(([n]) => n).join(' ');
  console.error(`\n*** ocroute: native addon(s) not built: ${names}`);
  console.error(`*** npm skipped their install scripts. Run: npm rebuild ${names}`);
  console.error('*** (package.json "allowScripts" approves them; an older npm may ignore it)\n');
  process.exit(1);
}
