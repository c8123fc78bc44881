/** `npm run bench`: every benchmark, one after the other, each in its own process. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const extra = process.argv.slice(2);
let failed = 0;
for (const name of ['core', 'ps1', 'pool', 'scale', 'capacity', 'http', 'sip']) {
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
