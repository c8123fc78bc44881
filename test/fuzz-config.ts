/**
 * Hostile configuration (issue 8): 10,000 seeded mutations of the example tenant's YAML and
 * PowerShell. Each must load or fail with an OcrouteError that names a line: never another
 * exception, never a hang. Cases that fail show the seed and the input to reproduce them.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { isOcrouteError } from '../src/errors';
import { loadTenantYaml } from '../src/config/yaml';
import { runScript } from '../src/config/ps1/run';
import { rng } from '../bench/util';

const ROUTES = path.join(__dirname, '..', 'routes');
const YAML = fs.readFileSync(path.join(ROUTES, 'tenant.yaml'), 'utf8');
const SCRIPTS = fs
  .readdirSync(ROUTES)
  .filter((f) => f.endsWith('.ps1'))
  .map((f) => fs.readFileSync(path.join(ROUTES, f), 'utf8'));
const BASE = loadTenantYaml(YAML);

const YAML_TOKENS = [
  '{', '}', '[', ']', ':', ': ', '- ', '"', "'", '&a ', '*a', '<<: *a', '!!binary ', '!!js/function ', '? ', '|', '>',
  '#', '\t', '\0', '\u202e', '99999999999999999999', '-1', 'null', '~', '.nan', 'true', '[[[[[[[[[[', '__proto__: {}',
  'constructor: x', '\\d+', '(a+)+$', 'x'.repeat(5000),
];
const PS1_TOKENS = [
  '`', '"', "'", '@{', '@(', '}', ')', '$null', '$true', '-Identity', '-NumberPattern', '-Priority', '-99', '1e309',
  ',', ';', '|', '#', '<#', '#>', '\u00a0', '\0', '"$(Get-Date)"', '@{Add=', '-WhatIf',
  'Grant-CsOnlineVoiceRoutingPolicy', 'New-CsOnlineVoiceRoute -Identity x -NumberPattern "(?=a)"', '__proto__',
  'x'.repeat(5000),
];

/** One mutation: flip, insert a token, delete/duplicate/swap lines, truncate, or an alias bomb. */
function mutate(src: string, tokens: string[], r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = Math.floor(r() * src.length);
  const lines = src.split('\n');
  const li = Math.floor(r() * lines.length);
  switch (Math.floor(r() * 8)) {
    case 0:
      return src.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + src.slice(at + 1);
    case 1:
      return src.slice(0, at) + pick(tokens) + src.slice(at);
    case 2:
      lines.splice(li, 1);
      return lines.join('\n');
    case 3:
      lines.splice(li, 0, lines[li], lines[li]);
      return lines.join('\n');
    case 4: {
      const lj = Math.floor(r() * lines.length);
      [lines[li], lines[lj]] = [lines[lj], lines[li]];
      return lines.join('\n');
    }
    case 5:
      return src.slice(0, at);
    case 6:
      return lines.map((l) => (r() < 0.1 ? pick(tokens) + l : l)).join('\n');
    default:
      return (
        `a: &a [x, x, x, x, x, x, ` +
        `x, x, x]\n${Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: ` +
            `&${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, ` +
            `*${String.fromCharCode(97 + i)}]`,
        ).join('\n')}\n` +
        src
      );
  }
}

interface Tally { cases: number; loaded: number; located: number; crashes: string[] }

function fuzz(n: number, seed: number, mutateOne: (r: () => number) => string, load: (src: string) => void): Tally {
  const r = rng(seed);
  const tally: Tally = { cases: 0, loaded: 0, located: 0, crashes: [] };
  for (let i = 0; i < n; i++) {
    const src = mutateOne(r);
    tally.cases++;
    try {
      load(src);
      tally.loaded++;
    } catch (e) {
      if (isOcrouteError(e) && typeof e.location.line === 'number' && e.location.line > 0) tally.located++;
      else if (tally.crashes.length < 5)
        tally.crashes.push(
          `case ${i} (seed ${seed}): ${isOcrouteError(e) ? `no line: ${e.code} ${e.message}` : (e as Error).stack?.split('\n').slice(0, 3).join(' | ')}\n--- input ---\n${src.slice(0, 600)}`,
        );
    }
  }
  return tally;
}

t.test('5,000 mutated tenant YAML files: each loads or fails with a located error', async (t) => {
  const started = Date.now();
  const tally = fuzz(5000, 8101, (r) => {
    let s = YAML;
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) s = mutate(s, YAML_TOKENS, r);
    return s;
  }, (src) => loadTenantYaml(src, 'fuzz.yaml'));
  t.same(tally.crashes, [], 'no unlocated error, no other exception');
  t.equal(tally.loaded + tally.located, 5000);
  t.ok(tally.located > 2500, `most mutations are refused (${tally.located} located errors, ${tally.loaded} still ` +
    `valid)`);
  t.ok(Date.now() - started < 60_000, 'bounded time');
});

t.test('5,000 mutated .ps1 scripts: each applies or fails with a located error', async (t) => {
  const tally = fuzz(5000, 8102, (r) => {
    let s = SCRIPTS[Math.floor(r() * SCRIPTS.length)];
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) s = mutate(s, PS1_TOKENS, r);
    return s;
  }, (src) => runScript(structuredClone(BASE), src, 'fuzz.ps1'));
  t.same(tally.crashes, [], 'no unlocated error, no other exception');
  t.equal(tally.loaded + tally.located, 5000);
  t.ok(tally.located > 2500, `most mutations are refused (${tally.located} located errors, ${tally.loaded} still ` +
    `valid)`);
});
