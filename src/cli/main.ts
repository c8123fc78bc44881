/**
 * ocroute command line. Exit codes (README "CLI"):
 *   0 ok / call routed   1 configuration error   2 usage error   3 call rejected   4 lint warnings (--strict)
 *   5 the service refused an admin command (or could not be reached)   6 diff: the outcome of some calls changes
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, CommanderError } from 'commander';
import { loadConfigDir } from '../config/load';
import { PACKAGE_ROOT, VERSION } from '../package';
import { addAdminCommands } from './admin';
import { EXIT } from './exit';
import { addTestCmdlets, snapshotOf } from './test-cmdlets';
import { tenantSchema } from '../config/yaml';
import { isOcrouteError, OcrouteError } from '../errors';
import { decide } from '../routing/decide';
import { lintTenant } from '../routing/lint';
import { locator } from '../config/locate';
import type { Call, CallKind, Decision } from '../routing/types';

/** Write files into a folder that holds none of them yet (never overwrite a configuration). */
function writeExport(dir: string, files: Record<string, string>): void {
  for (const name of Object.keys(files)) {
    if (fs.existsSync(path.join(dir, name)))
      throw new OcrouteError('E_USAGE', `${path.join(dir, name)} already exists; --out needs a ` +
        `new folder`, { field: '--out' });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

export { EXIT } from './exit';

/** The embedded default tenant: routes/ beside the package (works from src/ and dist/src/). */
export const DEFAULT_CONFIG = path.join(PACKAGE_ROOT, 'routes');

/** The service settings `npm start` uses: ocroute.yaml beside the package. */
export const DEFAULT_SETTINGS = path.join(path.dirname(DEFAULT_CONFIG), 'ocroute.yaml');

export interface Io { out: (s: string) => void; err: (s: string) => void }

export async function main(
  argv: string[],
  io: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') },
): Promise<number> {
  let code: number = EXIT.OK;
  const program = new Command('ocroute')
    .description('Call routing engine and SIP simulator for Microsoft Teams Operator Connect')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run ocroute --help for usage)');
  const configOpt = ['-c, --config <dir>', 'tenant configuration folder (YAML + *.ps1)', DEFAULT_CONFIG] as const;

  program
    .command('route')
    .description('decide where one call goes and explain why')
    .option(...configOpt)
    .requiredOption('--to <number>', 'dialed number (meeting, user) or called DID (inbound)')
    .option('--from <upnOrNumber>', 'organizer / caller UPN, or the external caller number for inbound')
    .option('--kind <kind>', 'meeting | user | inbound (default: user when --from is a UPN, else inbound)', parseKind)
    .option('--oc-link-down', 'simulate an outage between the operator and Microsoft (failsafe)')
    .option('--json', 'print the decision as JSON')
    .action((o) => {
      const snap = snapshotOf(o.config);
      const kind: CallKind = o.kind ?? (o.from?.includes('@') ? 'user' : 'inbound');
      const call: Call = { kind, from: o.from, to: o.to, ocLinkDown: !!o.ocLinkDown };
      const d = decide(snap, call);
      io.out(o.json ? JSON.stringify(d, null, 2) : formatDecision(d));
      code = d.outcome === 'rejected' ? EXIT.REJECTED : EXIT.OK;
    });

  addTestCmdlets(program, io, configOpt, (c) => { code = c; });

  program
    .command('validate')
    .description('load a configuration and report every error found, with file and line')
    .option(...configOpt)
    .option('--strict', 'treat warnings (e.g. objects a script assumes exist) as errors: exit 1')
    .option('--json', 'print {ok, files, errors, warnings} as JSON')
    .action((o) => {
      const { tenant, files, warnings, errors } = loadConfigDir(o.config, { collect: true });
      const failed = errors.length > 0 || (o.strict && warnings.length > 0);
      if (o.json) {
        io.out(JSON.stringify({ ok: !failed, files, errors: errors.map((e) => e.toJSON()), warnings }, null, 2));
        code = failed ? EXIT.CONFIG : EXIT.OK;
        return;
      }
      for (const e of errors) io.err(`error: ${e.describe()}`);
      for (const w of warnings) io.err(`${o.strict ? 'error' : 'warning'}: ${w}`);
      if (errors.length) {
        io.err(`${errors.length} error(s)`);
        code = EXIT.CONFIG;
        return;
      }
      if (o.strict && warnings.length) {
        io.err(`${warnings.length} warning(s) refused by --strict`);
        code = EXIT.CONFIG;
        return;
      }
      io.out(
        `ok: ${files.length} file(s); ${Object.keys(tenant.operators).length} operators, ${Object.keys(tenant.numbers).length} numbers, ` +
          `${Object.keys(tenant.users).length} users, ${tenant.voiceRoutes.length} voice routes, ` +
          `${Object.keys(tenant.audioConferencingRoutingPolicies).length + Object.keys(tenant.onlineVoiceRoutingPolicies).length} routing policies`,
      );
    });

  program
    .command('lint')
    .description('validate, then warn about routes that can never win, unused usages, bad bridge numbers')
    .option(...configOpt)
    .option('--json', 'print findings as JSON')
    .option('--strict', 'exit 4 when there is any warning (for CI)')
    .action((o) => {
      const { tenant, files } = loadConfigDir(o.config);
      // Each warning at the file:line that creates what it is about.
      const locate = locator(files);
      const findings = lintTenant(tenant).map(({ subject, ...f }) => ({ ...f, ...locate(subject) }));
      if (o.json) io.out(JSON.stringify({ errors: [], warnings: findings }, null, 2));
      else
        io.out(
          findings.length
            ? findings.map((f) => `${f.file ? `${f.file}:${f.line}: ` : ''}warning ${f.code}: ${f.message}`).join('\n')
            : 'no warnings',
        );
      // Warnings are advice: a configuration with them still loads and routes (exit 0 unless --strict).
      code = findings.length && o.strict ? EXIT.WARNINGS : EXIT.OK;
    });

  program
    .command('serve')
    .description(
      'run the service (HTTP API, /metrics); settings from ocroute.yaml, flags override; SIGHUP reloads the tenant',
    )
    .option('--settings <file>', 'service settings YAML', DEFAULT_SETTINGS)
    .option('-c, --config <dir>', 'tenant configuration folder (overrides settings "tenant")')
    .option('--host <addr>', 'HTTP address (settings http.host)')
    .option('--port <n>', 'HTTP port (settings http.port)', (v) => parsePort(v))
    .option('--sip-port <n>', 'SIP port, UDP and TCP (settings sip.port)', (v) => parsePort(v))
    .option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent (settings log.level)', (v) =>
      oneOf(v, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    )
    .option('--capacity <backend>', 'memory | redis (settings capacity.backend)', (v) => oneOf(v, ['memory', 'redis']))
    .option('--redis-url <url>', 'Redis for --capacity redis (settings capacity.url)')
    .option('--on-redis-down <mode>', 'fail-closed | local (settings capacity.onUnavailable)', (v) =>
      oneOf(v, ['fail-closed', 'local']),
    )
    .option('--reseed', 'replace the stored tenant with the config folder (settings store.reseed)')
    .action(async (o) => {
      const { loadSettings } = await import('../config/settings');
      const s = loadSettings(o.settings, { tenantElsewhere: !!o.config || process.env.OCROUTE_TENANT !== undefined });
      (await import('./env')).applyEnv(s); // OCROUTE_* between the file and the flags
      if (o.config) s.tenant = path.resolve(o.config);
      if (o.sipPort !== undefined) s.sip.port = o.sipPort;
      if (o.host) s.http.host = o.host;
      if (o.port !== undefined) s.http.port = o.port;
      if (o.logLevel) s.log.level = o.logLevel;
      if (o.capacity) s.capacity.backend = o.capacity;
      if (o.redisUrl) s.capacity.url = o.redisUrl;
      if (o.onRedisDown) s.capacity.onUnavailable = o.onRedisDown;
      if (o.reseed) s.store.reseed = true;
      const { serve } = await import('../service/serve');
      await serve(s);
      code = -1; // keep running: main() must not exit the process
    });

  program
    .command('batch')
    .description('route a JSON Lines file of calls on the worker pool, with progress; write decisions')
    .option(...configOpt)
    .requiredOption(
      '--file <calls.jsonl>',
      'one call per line: {"kind":"user","from":"john@contoso.com","to":"+14255551234"}',
    )
    .option('--out <decisions.jsonl>', 'write one decision per line here (default: stdout, the summary on stderr)')
    .option('--threads <n>', 'workers (default: one per core)', (v) => parsePositive(v))
    .option('--no-progress', 'no progress bar')
    .action(async (o) => {
      const { runBatch } = await import('./batch');
      const opts = {
        config: o.config, file: o.file, out: o.out, threads: o.threads,
        progress: o.progress && process.stderr.isTTY === true,
      };
      await runBatch(opts, o.out ? io.out : io.err, o.out ? undefined : io.out);
    });

  program
    .command('cdr')
    .description('read call detail records (JSON Lines written by serve) for one correlation ID or all')
    .requiredOption('--file <file>', 'CDR file (settings cdr.file)')
    .option('--correlation-id <id>', "only this call's two legs")
    .option('--json', 'print JSON')
    .option(
      '--format <format>',
      "teams-pstn-csv | graph-pstn | graph-direct-routing: Teams' own report formats, " + 'one row per call',
      (v) => oneOf(v, ['teams-pstn-csv', 'graph-pstn', 'graph-direct-routing']),
    )
    .option(...configOpt)
    .action(async (o) => {
      const { readCdrFile } = await import('../cdr/sink');
      let list;
      try {
        list = readCdrFile(o.file, o.correlationId);
      } catch (e) {
        throw new OcrouteError('E_CDR', `cannot read CDR file: ${(e as Error).message}`, { file: o.file });
      }
      if (o.format) {
        // The user columns come from the tenant folder (--config): object IDs, names, locations.
        const { exportCdrs, tenantLookup } = await import('../cdr/teams-formats');
        const { loadTenantsDir } = await import('../config/load');
        const tenants = new Map(
          loadTenantsDir(o.config).tenants.map((x) => [x.tenant.tenant.id.toLowerCase(), x.tenant]),
        );
        io.out(
          exportCdrs(o.format, list, tenantLookup((id) => tenants.get(id.toLowerCase()))).replace(/\r?\n$/, ''),
        );
      } else if (o.json) io.out(JSON.stringify(list, null, 2));
      else
        for (const c of list)
          io.out(
            `${c.correlationId} ${c.technology.padEnd(16)} ${c.direction.padEnd(8)} ${c.from ?? '-'} -> ${c.to} ${c.outcome} ${c.sipCode} ${c.durationSec}s ${c.operator ?? ''}`,
          );
      if (o.correlationId && !list.length) code = EXIT.CONFIG;
    });

  program
    .command('export')
    .description('load a configuration folder (YAML + *.ps1) and print it as one tenant YAML file, or as PowerShell')
    .option(...configOpt)
    .option('--ps1', 'print the Teams configuration as the cmdlets that recreate it')
    .option('--out <dir>', 'with --ps1: write tenant.yaml (the directory) and tenant.ps1 into this new folder')
    .action(async (o) => {
      const tenant = loadConfigDir(o.config).tenant;
      if (!o.ps1) {
        if (o.out) throw new OcrouteError('E_USAGE', '--out goes with --ps1', { field: '--out' });
        const { exportTenantYaml } = await import('../config/export');
        io.out(exportTenantYaml(tenant).trimEnd());
        return;
      }
      const { directoryYaml, exportTenantPs1 } = await import('../config/export-ps1');
      if (!o.out) {
        io.out(exportTenantPs1(tenant).trimEnd());
        return;
      }
      writeExport(o.out, { 'tenant.yaml': directoryYaml(tenant), 'tenant.ps1': exportTenantPs1(tenant) });
      io.out(`wrote ${path.join(o.out, 'tenant.yaml')} and ${path.join(o.out, 'tenant.ps1')}`);
    });

  program
    .command('diff')
    .description('what a configuration change would do: the calls whose outcome changes (exit 6 if any, 0 if none)')
    .requiredOption(
      '-c, --config <dir>', 'the old configuration, then (again) the new one',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--calls <calls.jsonl>', 'also try these calls (JSON Lines, as batch reads; e.g. replayed CDRs)')
    .option('--json', 'print the changes as JSON')
    .action(async (o) => {
      if (o.config.length !== 2)
        throw new OcrouteError('E_USAGE', 'give --config OLD --config NEW', { field: '--config' });
      const { diffSnapshots, formatChanges } = await import('../routing/diff');
      const [a, b] = (o.config as string[]).map(snapshotOf);
      const calls = o.calls ? (await import('./batch')).readCalls(o.calls) : [];
      const { changes, tried } = diffSnapshots(a, b, calls);
      if (o.json) io.out(JSON.stringify({ tried, changes }, null, 2));
      else
        io.out(
          changes.length
            ? `${formatChanges(changes)}\n${changes.length} change(s) in ${tried} calls tried`
            : `no change in ${tried} calls tried`,
        );
      code = changes.length ? EXIT.CHANGED : EXIT.OK;
    });

  program
    .command('import')
    .description('read a Teams export into a new tenant folder: import teams-json FILE|DIR|ZIP --out DIR')
    .argument('<format>', 'teams-json: Get-Cs... | ConvertTo-Json output (e.g. a BackupRestoreTeamsEV zip)')
    .argument('<source>', 'a .json/.txt file, a folder of them, or a .zip')
    .requiredOption('--out <dir>', 'the new tenant folder to write (tenant.yaml)')
    .option('--tenant-id <guid>', 'the tenant ID to record')
    .option('--tenant-name <name>', 'the tenant name to record')
    .action(async (format: string, source: string, o) => {
      if (format !== 'teams-json')
        throw new OcrouteError('E_USAGE', `unknown import format '${format}'; use teams-json`, {
          field: 'format',
        });
      const { importTeamsJson } = await import('../config/import-teams-json');
      const { exportTenantYaml } = await import('../config/export');
      const r = importTeamsJson(source, { id: o.tenantId, name: o.tenantName });
      writeExport(o.out, { 'tenant.yaml': exportTenantYaml(r.tenant) });
      const c = r.counts;
      io.out(
        `imported ${c.usages ? r.tenant.pstnUsages.length : 0} PSTN usages, ${c.translationRule} translation ` +
          `rules, ` +
          `${c.gateway} gateways, ${c.route} voice routes, ${c.policy} voice routing ` +
          `policies, ${c.dialPlan} dial plans ` +
          `into ${path.join(o.out, 'tenant.yaml')}`,
      );
      if (r.skipped.length)
        io.err(`warning: skipped ${r.skipped.length} object(s) ocroute does not read: ${r.skipped.join(', ')}`);
    });

  addAdminCommands(program, io, (c) => {
    code = c;
  });

  program
    .command('schema')
    .description('print the JSON Schema of the tenant YAML file')
    .action(() => io.out(JSON.stringify(tenantSchema, null, 2)));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (isOcrouteError(e)) {
      io.err(`error: ${e.describe()}`);
      return e.code === 'E_USAGE' ? EXIT.USAGE : e.code === 'E_UNREACHABLE' ? EXIT.REFUSED : EXIT.CONFIG;
    }
    throw e;
  }
  return code;
}

function oneOf<T extends string>(v: string, allowed: T[]): T {
  if ((allowed as string[]).includes(v)) return v as T;
  throw new InvalidArgumentError(`use ${allowed.join(' or ')}`);
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number >= 1');
  return n;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is 0-65535');
  return n;
}

function parseKind(v: string): CallKind {
  if (v === 'meeting' || v === 'user' || v === 'inbound') return v;
  throw new InvalidArgumentError('use meeting, user or inbound');
}

export function formatDecision(d: Decision): string {
  const lines = [`${d.outcome.toUpperCase()}: ${d.reason}`];
  const kv: [string, unknown][] = [
    ['operator', d.operator], ['gateway', d.gateway], ['caller ID', d.callerId], ['policy', d.policy],
    ['usage', d.usage], ['route', d.route], ['pattern', d.pattern], ['ring', d.ring?.join()], ['rule', d.rule],
    ['dialed', d.dialed !== d.to ? d.dialed : null], ['dial plan', d.dialPlan],
    ['normalized by', d.normalizationRule],
  ];
  for (const [k, v] of kv) if (v) lines.push(`  ${k.padEnd(9)} ${v}`);
  if (d.trace?.length) {
    lines.push('  trace:');
    for (const t of d.trace)
      lines.push(`    ${t.result.padEnd(8)} ${t.route ? `[${t.usage}] ${t.route} /${t.pattern}/: ` : ''}${t.why}`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).then((c) => { if (c >= 0) process.exitCode = c; });
}
