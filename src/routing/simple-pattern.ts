/**
 * Most NumberPatterns are a literal head and a count of digits: `^\+1(425|206)(\d{7})$`,
 * `^\+44\d+`, `\d+`, `.*`. For those, "does it match" is a prefix lookup and a length check,
 * so they are answered from a literal-prefix trie without calling RE2 (whose native call
 * alone cost ~1 µs, the whole budget of a decision). Every pattern is still compiled by RE2
 * when it is configured; anything outside this strict form goes to RE2 sets as before, and a
 * seeded test holds the two to RegExp's answers. RE2's `\d` is ASCII [0-9], as checked here.
 * The shape comes from the one regex parser (regex-ast.ts).
 */

import { parsePattern, simpleShapeOf } from './regex-ast';

export type { SimplePattern } from './regex-ast';
import type { SimplePattern } from './regex-ast';

/** Most literal heads one pattern may expand to ((1|2)(3|4) -> 4) before it is left to RE2. */
export const MAX_HEADS = 64;

/** Parse `pattern` if it has the simple form, else undefined (RE2 decides it). */
export function parseSimple(pattern: string): SimplePattern | undefined {
  return simpleShapeOf(parsePattern(pattern), MAX_HEADS);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Does `p` match `s` when its head ended at `at`? (The head itself was matched by the caller.) */
export function tailMatches(p: SimplePattern, s: string, at: number): boolean {
  if (p.any) return true;
  if (p.start) {
    let run = 0;
    while (at + run < s.length && isDigit(s.charCodeAt(at + run))) run++;
    return p.end ? at + run === s.length && run >= p.min && run <= p.max : run >= p.min;
  }
  // Unanchored, no head: some run of digits long enough (ending the string if `$`).
  if (p.min === 0) return true;
  if (p.end) {
    let run = 0;
    while (run < s.length && isDigit(s.charCodeAt(s.length - 1 - run))) run++;
    return run >= p.min;
  }
  for (let k = 0, run = 0; k < s.length; k++) {
    run = isDigit(s.charCodeAt(k)) ? run + 1 : 0;
    if (run >= p.min) return true;
  }
  return false;
}

interface Item {
  entry: number;
  p: SimplePattern;
}
interface Node {
  next: (Node | undefined)[];
  items: Item[];
}

const newNode = (): Node => ({ next: [], items: [] });
/** Heads hold digits and '+' only: an 11-slot array per trie node. */
const slot = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c === 43 ? 10 : -1);

/**
 * Simple patterns by literal head. Entries must be added in ascending order, so each node's
 * items stay sorted and a lookup stops at the first that matches (or cannot beat the best).
 */
export class SimpleIndex {
  size = 0;
  private root = newNode();
  /** Unanchored patterns (`\d+`, `.*`): no head, tried on every number. */
  private floating: Item[] = [];

  /**
   * A copy of this index with some entries' patterns changed (undefined: the entry is not simple
   * on that side). Nodes are shared with this one except on the changed entries' paths, which are
   * copied: an admin change to one NumberPattern allocates a few nodes, not a 10,000-route trie
   * (whose copies, promoted by every scavenge, were most of the change's cost).
   */
  withChanges(changes: readonly { entry: number; was?: SimplePattern; now?: SimplePattern }[]): SimpleIndex {
    const out = new SimpleIndex();
    out.size = this.size;
    out.root = this.root;
    out.floating = this.floating;
    const copied = new Set<Node>();
    const own = (n: Node): Node => {
      if (copied.has(n)) return n;
      const c: Node = { next: n.next.slice(), items: n.items.slice() };
      copied.add(c);
      return c;
    };
    const visit = (head: string, edit: (items: Item[]) => void) => {
      out.root = own(out.root);
      let node = out.root;
      for (let i = 0; i < head.length; i++) {
        const c = slot(head.charCodeAt(i));
        const child = own(node.next[c] ?? newNode());
        node.next[c] = child;
        node = child;
      }
      edit(node.items);
    };
    const drop = (entry: number) => (items: Item[]) => {
      const k = items.findIndex((it) => it.entry === entry);
      if (k >= 0) items.splice(k, 1);
    };
    const put = (item: Item) => (items: Item[]) => {
      if (items.some((it) => it.entry === item.entry)) return;
      let k = items.length;
      while (k > 0 && items[k - 1].entry > item.entry) k--;
      items.splice(k, 0, item);
    };
    for (const { entry, was, now } of changes) {
      if (was) {
        out.size--;
        if (!was.start) out.floating = out.floating.filter((it) => it.entry !== entry);
        else for (const head of was.prefixes) visit(head, drop(entry));
      }
      if (now) {
        out.size++;
        if (!now.start) {
          out.floating = out.floating.slice();
          put({ entry, p: now })(out.floating);
        } else for (const head of now.prefixes) visit(head, put({ entry, p: now }));
      }
    }
    return out;
  }

  add(entry: number, p: SimplePattern): void {
    this.size++;
    if (!p.start) {
      this.floating.push({ entry, p });
      return;
    }
    for (const head of p.prefixes) {
      let node = this.root;
      for (let i = 0; i < head.length; i++) {
        const c = slot(head.charCodeAt(i));
        node = node.next[c] ??= newNode();
      }
      // (1|12)-style heads may reach one node twice for the same entry: keep one item.
      if (node.items[node.items.length - 1]?.entry !== entry) node.items.push({ entry, p });
    }
  }

  /** The lowest matching entry below `below`, or `below` when none. */
  first(s: string, below: number): number {
    let best = below;
    best = firstIn(this.floating, s, 0, best);
    let node: Node | undefined = this.root;
    for (let i = 0; node; i++) {
      if (node.items.length) best = firstIn(node.items, s, i, best);
      if (i >= s.length) break;
      const c = slot(s.charCodeAt(i));
      node = c < 0 ? undefined : node.next[c];
    }
    return best;
  }

  /** Every matching entry, each once, in no particular order. */
  matches(s: string, out: number[]): void {
    const seen = new Set<number>();
    const take = (items: Item[], at: number) => {
      for (const it of items)
        if (!seen.has(it.entry) && tailMatches(it.p, s, at)) {
          seen.add(it.entry);
          out.push(it.entry);
        }
    };
    take(this.floating, 0);
    let node: Node | undefined = this.root;
    for (let i = 0; node; i++) {
      take(node.items, i);
      if (i >= s.length) break;
      const c = slot(s.charCodeAt(i));
      node = c < 0 ? undefined : node.next[c];
    }
  }
}

function firstIn(items: Item[], s: string, at: number, best: number): number {
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.entry >= best) break;
    if (tailMatches(it.p, s, at)) return it.entry;
  }
  return best;
}
