/**
 * The admin API from the command line: `ocroute numbers assign --number ... --upn ...` runs the
 * command `numbers.assign` through POST /v1/tenants/:id/commands. Groups, actions and flags are
 * generated from the command registry's argument schemas, so the CLI cannot drift from the API.
 * `ocroute get <path>` reads any GET resource under the tenant.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { OcrouteError } from '../errors';
import { COMMANDS } from '../tenant/commands';

export const EXIT_REFUSED = 5;

interface Io { out: (s: string) => void; err: (s: string) => void }
type Prop = { type?: string; enum?: string[]; items?: Prop; anyOf?: Prop[] };

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Commander turns a parser's null into '' (its "no value"): the parser returns this, the action maps it to null. */
const NULL = Symbol('$null');

/** The value a flag's text stands for, per the argument's schema. `$null` clears (as in PowerShell). */
function parseValue(prop: Prop, text: string, flag: string): unknown {
  if (prop.anyOf) {
    if (text === '$null' && prop.anyOf.some((x) => x.type === 'null')) return NULL;
    return parseValue(prop.anyOf[0], text, flag);
  }
  if (prop.type === 'integer') {
    const n = Number(text);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} takes a whole number`);
    return n;
  }
  if (prop.type === 'object') {
    try { return JSON.parse(text); } catch { throw new InvalidArgumentError(`${flag} takes a JSON object`); }
  }
  if (prop.enum && !prop.enum.includes(text))
    throw new InvalidArgumentError(`${flag} is one of ${prop.enum.join(', ')}`);
  return text;
}

/**
 * A flag for one argument: booleans are switches, lists take several values (a list where a list or an {add, remove}
 * object is allowed).
 */
function optionFor(arg: string, p: Prop): Option {
  const flag = `--${kebab(arg)}`;
  const base = p.anyOf ? p.anyOf[0] : p;
  const nullable = !!p.anyOf?.some((x) => x.type === 'null');
  if (base.type === 'boolean') return new Option(flag);
  if (base.type === 'array') {
    const items = base.items ?? {};
    return new Option(`${flag} <values...>`, items.enum ? items.enum.join(' | ') : 'one or more values')
      .argParser((v: string, prev: unknown[] | undefined) => [...(prev ?? []), parseValue(items, v, flag)]);
  }
  const desc = base.enum ? base.enum.join(' | ') : `${base.type ?? 'value'}${nullable ? ", or '$null' to clear" : ''}`;
  return new Option(`${flag} <value>`, desc).argParser((v: string) => parseValue(p, v, flag));
}

interface Conn { url: string; token?: string; tenant?: string }

async function call(
  conn: Conn, method: string, path: string, body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  if (!conn.token)
    throw new OcrouteError('E_USAGE', 'a bearer token is needed: --token or OCROUTE_TOKEN', { field: 'token' });
  if (!conn.tenant)
    throw new OcrouteError('E_USAGE', 'name the tenant: --tenant or OCROUTE_TENANT', { field: 'tenant' });
  let res: Response;
  try {
    res = await fetch(`${conn.url.replace(/\/$/, '')}/v1/tenants/${encodeURIComponent(conn.tenant)}${path}`, {
      method,
      headers: { authorization: `Bearer ${conn.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new OcrouteError(
      'E_UNREACHABLE',
      `cannot reach ${conn.url}: ${(e as Error).cause ? String((e as { cause: Error }).cause.message) : (e as Error).message}`,
      { field: 'url' },
    );
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* YAML export, or an empty body */
  }
  return { status: res.status, json, text };
}

export function addAdminCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  const connOpts = (c: Command) => c
    .addOption(new Option('--url <url>', 'ocroute service').env('OCROUTE_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <token>', 'bearer token (tenant admin or operator)').env('OCROUTE_TOKEN'))
    .addOption(new Option('--tenant <id>', 'tenant ID').env('OCROUTE_TENANT'));
  const report = (r: { status: number; json: unknown; text: string }) => {
    if (r.status < 300) return io.out(r.json === null ? r.text.trimEnd() : JSON.stringify(r.json, null, 2));
    const e = (r.json ?? {}) as { error?: string; message?: string; field?: string };
    io.err(`error: ${r.status} ${e.error ?? ''}: ${e.message ?? r.text}${e.field ? ` (field ${e.field})` : ''}`);
    setCode(EXIT_REFUSED);
  };

  const groups = new Map<string, Command>();
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const [group, action] = name.split('.');
    let g = groups.get(group);
    if (!g) groups.set(group, (g = program.command(group).description(`admin API: ${group} commands (run against a ` +
      `serving ocroute)`)));
    const c = connOpts(g.command(kebab(action)).description(`${spec.summary} [${spec.scope}]`));
    const required = new Set(spec.args.required ?? []);
    for (const [arg, p] of Object.entries(spec.args.properties) as [string, Prop][]) {
      const opt = optionFor(arg, p);
      if (required.has(arg)) opt.makeOptionMandatory();
      c.addOption(opt);
    }
    c.action(async (o: Record<string, unknown>) => {
      const args = Object.fromEntries(
        Object.keys(spec.args.properties)
          .filter((k) => o[k] !== undefined)
          .map((k) => [k, o[k] === NULL ? null : o[k]]),
      );
      report(await call(o as unknown as Conn, 'POST', '/commands', { command: name, args }));
    });
  }

  connOpts(program.command('get').argument('[path]', 'resource under the tenant: numbers, users/<upn>, bridge, ' +
    'meetings/<id>, portal, minutes, journal, export', ''))
    .description('admin API: read a resource of the tenant')
    .action(async (path: string, o: Conn) => report(await call(o, 'GET', path ? `/${path.replace(/^\//, '')}` : '')));
}
