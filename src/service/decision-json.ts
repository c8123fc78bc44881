/**
 * Decisions rendered as JSON by a serializer compiled once from the Decision schema, for the two
 * paths that write the most of them: POST /v1/route's response and the batch workers' output.
 *
 * Why not fast-json-stringify (what fastify compiles response schemas with): on Node 20 it escapes
 * every string under 42 characters one charCodeAt at a time (its native path needs V8 13.8), and
 * a decision is ~25 short strings: 2.2 us per decision, more than JSON.stringify (1.8 us). This
 * compiler emits the same code shape, tests each per-call string with one regular expression,
 * keeps the JSON of strings that come from the configuration, and writes each property as one
 * piece where it can (the answer is flattened once more when its length is taken): 0.5 us, same
 * bytes (test/decision-json.ts holds it to fast-json-stringify). It covers only the schema subset
 * decision-schema.ts uses and refuses anything else when it compiles.
 */
import { decisionSchema } from '../routing/decision-schema';
import type { Decision } from '../routing/types';

/** What JSON must escape: quote, backslash, control characters, and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const FLATTEN = /^/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Properties whose strings come from the tenant's configuration or a fixed vocabulary (names,
 * patterns, rule texts): the same few string objects call after call, so their JSON is kept (a
 * lookup by an already-hashed string: 8 ns against 46 for the test). Phone numbers, what the
 * caller sent and the reason text vary per call and are escaped each time.
 */
const FROM_CONFIG = new Set([
  'outcome', 'tenant', 'kind', 'operator', 'gateway', 'usage', 'route', 'pattern', 'policy', 'rule', 'dialPlan',
  'normalizationRule', 'callingLineIdentity', 'type', 'capability', 'fqdn', 'result',
]);
/** Kept fragments per property: a property with more values (tenant IDs at 10,000 tenants) starts over. */
export const KEPT_PER_PROPERTY = 1024;
const keptMaps: Map<string, string>[] = [];

/** How many strings' JSON is kept now (tests: bounded). */
export const keptStrings = (): number => keptMaps.reduce((n, m) => n + m.size, 0);

/** One property's kept fragments: its prefix (separator, key, colon) and the value's JSON. */
function keptFragment(prefix: string): (s: string) => string {
  const map = new Map<string, string>();
  keptMaps.push(map);
  return (s) => {
    let json = map.get(s);
    if (json === undefined) {
      // Flattened once (a regular expression test flattens its subject): joining flat pieces
      // costs half of joining ropes when the answer is written.
      json = prefix + str(s);
      FLATTEN.test(json);
      // Bounded per property, so one with many values never evicts the few of another.
      if (map.size >= KEPT_PER_PROPERTY) map.clear();
      map.set(s, json);
    }
    return json;
  };
}

/** A per-call string after its prefix, in as few pieces as concatenation allows. */
function strAfter(prefix: string, quoted: string, s: string): string {
  return NEEDS_ESCAPE.test(s) ? prefix + JSON.stringify(s) : quoted + s + '"';
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`decision JSON: ${n} is not an integer`);
  return `${n}`;
}

function missing(o: Record<string, unknown>, keys: string[]): never {
  throw new TypeError(`decision JSON: required property '${keys.find((k) => o[k] === undefined)}' is missing`);
}

interface Schema {
  type: string | readonly string[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  items?: Schema;
}

/** What one compilation collects: helper functions' code and the values the code refers to. */
interface Out { fns: string[]; consts: unknown[]; names: number }

/** The schema's one type besides null, and whether null is allowed. */
function typeOf(schema: Schema): { type: string; nullable: boolean } {
  const types = typeof schema.type === 'string' ? [schema.type] : [...schema.type];
  const rest = types.filter((t) => t !== 'null');
  if (rest.length !== 1) throw new Error(`decision JSON: unsupported type ${JSON.stringify(schema.type)}`);
  return { type: rest[0], nullable: types.includes('null') };
}

/** Code for an expression rendering `v` by `schema`. */
function render(schema: Schema, v: string, out: Out): string {
  const { type, nullable } = typeOf(schema);
  const inner = renderType(type, schema, v, out);
  return nullable ? `(${v} === null ? 'null' : ${inner})` : inner;
}

/** Code for one property of the object `o`: separator, key and value as few pieces as it can. */
function renderProperty(key: string, schema: Schema, sep: string, out: Out): string {
  const prefix = `${sep}${JSON.stringify(key)}:`;
  const v = `o[${JSON.stringify(key)}]`;
  const { type, nullable } = typeOf(schema);
  let inner: string;
  if (type === 'string' && FROM_CONFIG.has(key)) {
    out.consts.push(keptFragment(prefix));
    inner = `c[${out.consts.length - 1}](${v})`;
  } else if (type === 'string') {
    inner = `strAfter(${JSON.stringify(prefix)}, ${JSON.stringify(prefix + '"')}, ${v})`;
  } else {
    inner = `${JSON.stringify(prefix)} + ${renderType(type, schema, v, out)}`;
  }
  return nullable ? `(${v} === null ? ${JSON.stringify(prefix + 'null')} : ${inner})` : inner;
}

function renderType(type: string, schema: Schema, v: string, out: Out): string {
  if (type === 'string') return `str(${v})`;
  if (type === 'integer') return `int(${v})`;
  if (type === 'boolean') return `(${v} ? 'true' : 'false')`;
  const fn = `f${out.names++}`;
  if (type === 'array' && schema.items) {
    const item = render(schema.items, 'x', out);
    out.fns.push(`function ${fn}(a) { let o = '['; for (let i = 0; i < a.length; i++) { const x = a[i]; ` +
      `if (i > 0) o += ','; o += ${item}; } return o + ']'; }`);
    return `${fn}(${v})`;
  }
  if (type === 'object' && schema.properties) {
    // As fast-json-stringify: schema order; an absent (undefined) optional property left out, an
    // absent required one an error.
    const required = new Set(schema.required ?? []);
    const entries = Object.entries(schema.properties);
    const missingOf = `missing(o, ${JSON.stringify([...required])})`;
    if (entries.every(([k]) => required.has(k))) {
      // The common case, one expression.
      const check = entries.map(([k]) => `o[${JSON.stringify(k)}] === undefined`).join(' || ');
      const parts = entries.map(([k, s], i) => renderProperty(k, s, i ? ',' : '{', out));
      out.fns.push(`function ${fn}(o) { if (${check}) ${missingOf}; return ${parts.join(' + ')} + '}'; }`);
      return `${fn}(${v})`;
    }
    // The comma is static once a required property precedes.
    let written = false;
    const body = entries.map(([k, s]) => {
      const comma = written ? '' : `(o2.length > 1 ? ',' : '') + `;
      const put = `o2 += ${comma}${renderProperty(k, s, written ? ',' : '', out)};`;
      if (!required.has(k)) return `if (o[${JSON.stringify(k)}] !== undefined) { ${put} }`;
      written = true;
      return `if (o[${JSON.stringify(k)}] === undefined) ${missingOf}; ${put}`;
    });
    out.fns.push(`function ${fn}(o) { let o2 = '{'; ${body.join(' ')} return o2 + '}'; }`);
    return `${fn}(${v})`;
  }
  throw new Error(`decision JSON: unsupported schema type ${type}`);
}

/** Compile `schema` (decision-schema.ts's subset of JSON Schema) into a serializer. */
export function compileSerializer<T>(schema: Schema): (value: T) => string {
  const out: Out = { fns: [], consts: [], names: 0 };
  const top = render(schema, 'value', out);
  // Generated from our own schema only (keys pass through JSON.stringify): no outside text.
  const code = `${out.fns.join('\n')}\nreturn function serialize(value) { return ${top}; };`;
  return new Function('str', 'strAfter', 'int', 'missing', 'c', code)(str, strAfter, int, missing, out.consts) as (
    value: T,
  ) => string;
}

export const stringifyDecision: (d: Decision) => string = compileSerializer<Decision>(decisionSchema);
