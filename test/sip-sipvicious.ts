/**
 * Inventory privacy against a real scanner: sipvicious's svwar (Debian `sipvicious`) with INVITE
 * (RFC 3261 26.1.4: a UAS should not let an unauthenticated party learn its users). svwar lists
 * every number whose answer differs from a random number's; with privacy, a refused number
 * (unknown, unassigned, or its operator suspended) answers exactly like a random one.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowList } from '../src/service/allow-list';
import { startEdge } from './helpers/edge';

const hasSvwar = spawnSync('which', ['svwar']).status === 0;
const NO_SVWAR =
  'SKIPPED LOUDLY: svwar is not installed here (Debian package sipvicious); scripts/setup.sh (and so CI) installs it';
if (!hasSvwar) console.error(`\n*** sip-sipvicious: ${NO_SVWAR}\n`);

const ANSWERS = '+14255550101'; // john's number: rings and answers
const REFUSED = ['+14255559999', '+14255550177', '+12065550100']; // unknown, unassigned, Infobip's bridge number

/** svwar's table of "found" extensions for a dictionary scan of the edge on `port`. */
async function svwar(
  t: { teardown(fn: () => unknown): void },
  port: number,
): Promise<{ found: string[]; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-svwar-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dict = path.join(dir, 'numbers.txt');
  fs.writeFileSync(dict, [ANSWERS, ...REFUSED].join('\n') + '\n');
  const p = spawn(
    'svwar', ['-m', 'INVITE', '-d', dict, '-p', String(port), '-b', '127.0.0.1', '--maximumtime', '3', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  p.stdout.on('data', (b) => {
    output += b;
  });
  p.stderr.on('data', (b) => {
    output += b;
  });
  await new Promise((r) => p.on('close', r));
  const found = [...output.matchAll(/^\| (\+\d+)\s+\|/gm)].map((m) => m[1]).sort();
  return { found, output };
}

t.test(
  'RFC 3261 26.1.4 inventory privacy: svwar finds only the number that answers, never a refused one',
  { skip: hasSvwar ? false : NO_SVWAR },
  async (t) => {
    for (const privacy of [true, false]) {
      const trusted = allowList(privacy ? ['192.0.2.0/24'] : ['127.0.0.0/8']);
      const { port, engine, edge } = await startEdge(t, { inventoryPrivacy: { trusted } });
      const data = structuredClone(engine.snapshot.data);
      data.operators.Infobip.status = 'Suspended';
      engine.publish(data);
      const r = await svwar(t, port);
      if (privacy) {
        t.same(
          r.found,
          [ANSWERS],
          `untrusted scanner: only ${ANSWERS}, which answers like any call; refusals look like a random ` +
            `number's\n${r.output}`,
        );
      } else {
        // svwar's probe is a random 32-bit number: 404 (a number of nobody) or 484 (not a number
        // at all) to a trusted source, so the unknown numbers may stand out too; the 403 always does.
        t.ok(
          r.found.includes('+12065550100') && r.found.includes(ANSWERS),
          `trusted source: the suspended operator's 403 stands out (detail for operators)\n${r.output}`,
        );
      }
      // svwar's BYE carries two From tags, so it matches no dialog (481, RFC 3261 12.2.2): the one
      // answered call stays up until hung up; nothing refused holds anything.
      t.equal(edge.activeCalls, 1, 'only the answered call is up');
      t.equal(edge.stats().dialogs, 1, 'one dialog: no refused INVITE made one');
    }
  },
);
