/**
 * What a configuration change would do (`ocroute diff`): for every user and every tenant number,
 * which dialed numbers change their outcome (route, gateway, operator, caller ID, rejected or
 * allowed). The numbers tried come from both configurations' own patterns (voice routes,
 * normalization rules, blocked and unassigned patterns, emergency numbers): for each pattern a
 * number it matches and numbers just beside its literal head, so every pattern is exercised on
 * both sides of its edge; calls given in a file are tried as well. Changes are grouped by the
 * pattern that produced the number, each with an example. Pure: no I/O.
 */
import type { AST } from '@eslint-community/regexpp';
import { effectiveGrant } from '../tenant/groups';
import { GRANT_KEYS } from '../tenant/types';
import { parsePattern, prefixesOf } from './regex-ast';
import { decide } from './decide';
import type { Snapshot } from './snapshot';
import type { Call, CallKind, Decision } from './types';

/** The outcome fields a change is judged on. */
export interface Outcome {
  outcome: string;
  route: string | null;
  gateway: string | null;
  operator: string | null;
  callerId: string | null;
  target: string | null;
}

export interface Change {
  /** Where the numbers came from: a pattern (and the object that holds it) or the calls file. */
  source: string;
  kind: CallKind;
  /** The callers (UPNs) or, inbound, the called numbers this change applies to. */
  who: string[];
  example: string;
  before: Outcome;
  after: Outcome;
}

interface Probe {
  call: Call;
  source: string;
}

/** Most numbers generated per pattern, and callers tried per number (bounds the work). */
const PER_PATTERN = 24;
const MAX_CHANGES = 1000;

const outcomeOf = (d: Decision): Outcome => ({
  outcome: d.outcome, route: d.route, gateway: d.gateway, operator: d.operator, callerId: d.callerId,
  target: d.target ? `${d.target.type}:${d.target.id}` : null,
});

/** A '+' number shorter than E.164's usual 11 digits, padded so routing sees a dialable number. */
const padded = (n: string) => (/^\+\d{1,10}$/.test(n) ? n + '5'.repeat(12 - n.length) : n);

/**
 * Numbers to try for `pattern`: strings it matches (each branch of its choices, and with each
 * negative lookahead's excluded text in place), the same with the last digit of its literal
 * head changed (just outside it) and one digit short; short '+' numbers are also tried padded.
 */
export function examplesOf(pattern: string): string[] {
  const ast = parsePattern(pattern);
  if (!ast) return [];
  const base = new Set<string>();
  for (const look of [false, true]) {
    for (let branch = 0; branch < 4; branch++) {
      const s = generate(ast, branch, look);
      if (s !== undefined) base.add(s);
    }
  }
  const heads = prefixesOf(ast).filter((h) => /\d$/.test(h));
  const out = new Set<string>();
  for (const s of base) {
    out.add(s);
    for (const h of heads) {
      if (s.startsWith(h)) out.add(`${h.slice(0, -1)}${(Number(h.at(-1)) + 1) % 10}${s.slice(h.length)}`);
    }
    if (s.length > 2) out.add(s.slice(0, -1));
  }
  for (const s of [...out]) out.add(padded(s));
  return [...out].slice(0, PER_PATTERN);
}

/**
 * One string the pattern matches, taking alternative `branch % n` at each choice. Lookarounds
 * add nothing, unless `look`: then a lookahead's own text is laid over what follows it.
 */
function generate(ast: AST.Pattern, branch: number, look: boolean): string | undefined {
  const walk = (n: AST.Node): string | undefined => {
    switch (n.type) {
      case 'Pattern':
      case 'Group':
      case 'CapturingGroup':
        return walk(n.alternatives[branch % n.alternatives.length]);
      case 'Alternative': {
        let s = '';
        let overlay: string | undefined;
        for (const e of n.elements) {
          if (look && e.type === 'Assertion' && e.kind === 'lookahead') {
            overlay = walk(e.alternatives[branch % e.alternatives.length]);
            continue;
          }
          let x = walk(e);
          if (x === undefined) return undefined;
          if (overlay !== undefined && x.length > 0) {
            x = overlay + x.slice(overlay.length);
            overlay = undefined;
          }
          s += x;
        }
        return s;
      }
      case 'Character':
        return String.fromCharCode(n.value);
      case 'CharacterSet':
        return (n.kind === 'digit' && !n.negate) || n.kind === 'any' ? '5' : undefined;
      case 'CharacterClass': {
        const first = n.elements[0];
        if (n.negate || !first) return undefined;
        if (first.type === 'Character') return String.fromCharCode(first.value);
        if (first.type === 'CharacterClassRange') return String.fromCharCode(first.min.value);
        return '5';
      }
      case 'Quantifier': {
        const count = n.max === Infinity ? Math.min(n.min + 7, 12) : n.min;
        const one = walk(n.element);
        return one === undefined ? undefined : one.repeat(Math.min(count, 16));
      }
      case 'Assertion':
      case 'Backreference':
        return '';
      default:
        return undefined;
    }
  };
  return walk(ast);
}

/** Every pattern of a tenant that decides where a call goes, with where it lives. */
function patternsOf(s: Snapshot): [string, string, boolean][] {
  const d = s.data;
  const out: [string, string, boolean][] = d.voiceRoutes.map((r) => [
    r.numberPattern, `voice route '${r.identity}'`, false,
  ]);
  for (const p of Object.values(d.dialPlans ?? {})) {
    for (const r of p.normalizationRules) out.push([r.pattern, `normalization rule '${p.identity}/${r.name}'`, false]);
  }
  for (const p of d.inboundBlockedNumberPatterns ?? [])
    out.push([p.pattern, `blocked number pattern '${p.identity}'`, true]);
  for (const p of d.inboundExemptNumberPatterns ?? [])
    out.push([p.pattern, `exempt number pattern '${p.identity}'`, true]);
  for (const x of d.unassignedNumberTreatments ?? [])
    out.push([x.pattern, `unassigned number treatment '${x.identity}'`, false]);
  for (const p of Object.values(d.emergencyCallRoutingPolicies ?? {})) {
    for (const n of p.emergencyNumbers) {
      for (const dial of [n.emergencyDialString, ...n.emergencyDialMask])
        out.push([`^${dial}$`, `emergency policy '${p.identity}'`, false]);
    }
  }
  return out;
}

/**
 * Users that route alike, one class each: same grants (direct, group or tenant-wide), licenses,
 * usage location and kind of number, in both configurations. One representative per class is
 * tried; a change found for it is reported for the whole class.
 */
function userClasses(a: Snapshot, b: Snapshot): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  const upns = [...new Set([...Object.keys(a.data.users), ...Object.keys(b.data.users)])].sort();
  const side = (s: Snapshot, key: string) => {
    const u = s.data.users[key];
    if (!u) return null;
    const pn = u.phoneNumber ? s.data.numbers[u.phoneNumber] : undefined;
    const grants = GRANT_KEYS.map((k) => effectiveGrant(s.data, u, k).name ?? null);
    return [
      u.licenses, u.teamsUpgradeMode, u.usageLocation, u.resourceAccount, !!u.onPremLineUri, grants,
      pn ? [pn.numberType, pn.operator, pn.country] : null,
    ];
  };
  for (const key of upns) {
    const sig = JSON.stringify([side(a, key), side(b, key)]);
    const members = classes.get(sig) ?? [];
    members.push(a.data.users[key]?.upn ?? b.data.users[key].upn);
    classes.set(sig, members);
  }
  return new Map([...classes.values()].map((m) => [m[0], m]));
}

/** Tenant numbers an inbound probe calls: all of them up to a bound, in order. */
const MAX_INBOUND_TARGETS = 10_000;

function probes(a: Snapshot, b: Snapshot, calls: Call[], reps: string[]): Probe[] {
  const out: Probe[] = [];
  const seen = new Set<string>();
  const add = (p: Probe) => {
    const key = `${p.call.kind}|${p.call.from ?? ''}|${p.call.to}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  const numbers = [...new Set([...Object.keys(a.data.numbers), ...Object.keys(b.data.numbers)])]
    .sort()
    .slice(0, MAX_INBOUND_TARGETS);
  for (const [pattern, where, inbound] of [...patternsOf(a), ...patternsOf(b)]) {
    const source = `${where}: ${pattern}`;
    for (const n of examplesOf(pattern)) {
      for (const upn of reps) add({ call: { kind: 'user', from: upn, to: n }, source });
      // Calling numbers that blocking patterns judge: from this number to a few tenant numbers.
      if (inbound && /^\+\d{6,}$/.test(n))
        for (const did of numbers.slice(0, 20)) add({ call: { kind: 'inbound', from: n, to: did }, source });
    }
  }
  for (const did of numbers) {
    add({ call: { kind: 'inbound', from: '+12065550123', to: did }, source: `tenant number ${did}` });
  }
  for (const c of calls) add({ call: c, source: 'calls file' });
  return out;
}

/** The changes between two snapshots, grouped; at most MAX_CHANGES groups. */
export function diffSnapshots(a: Snapshot, b: Snapshot, calls: Call[] = []): { changes: Change[]; tried: number } {
  const groups = new Map<string, Change>();
  const classes = userClasses(a, b);
  const list = probes(a, b, calls, [...classes.keys()]);
  for (const p of list) {
    const before = outcomeOf(decide(a, p.call));
    const after = outcomeOf(decide(b, p.call));
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    const who = p.call.kind === 'inbound' ? [p.call.to] : (classes.get(p.call.from ?? '') ?? [p.call.from ?? '']);
    const key = `${p.source}|${p.call.kind}|${JSON.stringify(before)}|${JSON.stringify(after)}`;
    const g = groups.get(key);
    if (g) {
      for (const w of who) if (!g.who.includes(w)) g.who.push(w);
    } else if (groups.size < MAX_CHANGES) {
      groups.set(key, {
        source: p.source, kind: p.call.kind, who: [...who], example: exampleOf(p.call), before, after,
      });
    }
  }
  return { changes: [...groups.values()], tried: list.length };
}

const exampleOf = (c: Call) => (c.kind === 'inbound' ? `${c.from ?? '?'} -> ${c.to}` : c.to);

const show = (o: Outcome) =>
  o.outcome === 'rejected'
    ? 'rejected'
    : [
        o.outcome,
        o.route && `route '${o.route}'`,
        o.gateway && `via ${o.gateway}`,
        o.operator && `operator ${o.operator}`,
        o.target && `to ${o.target}`,
        o.callerId && `caller ID ${o.callerId}`,
      ]
        .filter(Boolean)
        .join(', ');

/** The report, one block per change, as `ocroute diff` prints it. */
export function formatChanges(changes: Change[]): string {
  return changes
    .map((c) => {
      const who = c.who.length > 4 ? `${c.who.slice(0, 4).join(', ')} and ${c.who.length - 4} more` : c.who.join(', ');
      return (
        `${c.kind} calls, numbers ` +
          `from ${c.source} (e.g. ${c.example}; ${c.kind === 'inbound' ? 'to' : 'from'} ${who}):\n` +
        `  before: ${show(c.before)}\n  after:  ${show(c.after)}`
      );
    })
    .join('\n');
}
