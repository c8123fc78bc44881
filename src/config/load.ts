/**
 * A tenant configuration folder: one YAML file (tenant.yaml or any *.yaml / *.yml), then every
 * *.ps1 in name order. The result is a fresh TenantData or an error; nothing is applied to a
 * live tenant until the whole folder loads (atomic reload).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isOcrouteError, OcrouteError } from '../errors';
import { checkRoutingLimits } from '../routing/limits';
import { emptyTenant, type TenantData } from '../tenant/types';
import type { ReadBeside } from './ps1/csv';
import { runScript } from './ps1/run';
import { loadTenantYaml } from './yaml';

/** Refuse absurd inputs before parsing them (issue "Reliability": hostile config). */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

export interface LoadedConfig {
  tenant: TenantData;
  files: string[];
  /** Accepted with a change worth saying (e.g. a pasted console prompt), file:line first. */
  warnings: string[];
  /** With `collect` (ocroute validate): every error found; the tenant is then not usable. */
  errors: OcrouteError[];
}

/**
 * Load the folder; the first error throws. With `collect`, errors in .ps1 statements (and a
 * script that does not parse) are gathered and the rest still runs, so one validate run lists
 * them all; a YAML error still stops it (every later line would fail for want of it).
 */
export function loadConfigDir(dirPath: string, opts: { collect?: boolean } = {}): LoadedConfig {
  const entries = listDir(dirPath);
  const yamls = entries.filter((f) => YAML_RE.test(f));
  const scripts = entries.filter((f) => PS1_RE.test(f));
  if (yamls.length > 1) {
    throw new OcrouteError('E_CONFIG_DIR', `one tenant per folder: found ${yamls.length} YAML files ` +
      `(${yamls.join(', ')})`, { file: dirPath });
  }
  if (!yamls.length && !scripts.length) throw new OcrouteError('E_CONFIG_DIR', `no *.yaml or *.ps1 files in ` +
    `'${dirPath}'`, { file: dirPath });
  return loadFiles(dirPath, yamls.map((f) => path.join(dirPath, f)), scripts.map((f) => path.join(dirPath, f)), opts);
}

export interface LoadedTenants {
  tenants: LoadedConfig[];
  /** Every file read, all tenants. */
  files: string[];
  /** The tenant of the folder's own files (not a sub-folder's): calls naming no tenant fall to it. */
  defaultId?: string;
}

/**
 * A folder of one tenant or many. The folder's own files are one tenant, as before; each
 * sub-folder holding *.yaml or *.ps1 files is another; a folder of several YAML files and no
 * script is one tenant per file. Two tenants with one ID is an error naming both files.
 */
export function loadTenantsDir(dirPath: string, opts: { collect?: boolean } = {}): LoadedTenants {
  const entries = listDir(dirPath);
  const yamls = entries.filter((f) => YAML_RE.test(f));
  const scripts = entries.filter((f) => PS1_RE.test(f));
  const subs = entries.filter((f) => !f.startsWith('.') && isConfigFolder(path.join(dirPath, f)));
  const tenants: LoadedConfig[] = [];
  let defaultId: string | undefined;
  if (yamls.length > 1 && !scripts.length) {
    for (const f of yamls) tenants.push(loadFiles(dirPath, [path.join(dirPath, f)], [], opts));
  } else if (yamls.length || scripts.length || !subs.length) {
    const root = loadConfigDir(dirPath, opts);
    tenants.push(root);
    defaultId = root.tenant.tenant.id;
  }
  for (const f of subs) tenants.push(loadConfigDir(path.join(dirPath, f), opts));
  const seen = new Map<string, LoadedConfig>();
  for (const t of tenants) {
    const id = t.tenant.tenant.id.toLowerCase();
    const other = seen.get(id);
    if (other) {
      throw new OcrouteError('E_CONFIG_DIR', `tenant ${t.tenant.tenant.id} is configured ` +
        `twice (also in ${other.files[0]})`, {
        file: t.files[0], field: 'tenant.id',
      });
    }
    seen.set(id, t);
  }
  return { tenants, files: tenants.flatMap((t) => t.files), defaultId };
}

const YAML_RE = /\.ya?ml$/i;
const PS1_RE = /\.ps1$/i;

function listDir(dirPath: string): string[] {
  try {
    return fs.readdirSync(dirPath).sort();
  } catch (e) {
    throw new OcrouteError('E_CONFIG_DIR', `cannot read config folder ` +
      `'${dirPath}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: dirPath });
  }
}

function isConfigFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory() && fs.readdirSync(p).some((f) => YAML_RE.test(f) || PS1_RE.test(f));
  } catch {
    return false;
  }
}

function loadFiles(dirPath: string, yamls: string[], scripts: string[], opts: { collect?: boolean }): LoadedConfig {
  const files: string[] = [];
  const warnings: string[] = [];
  let tenant: TenantData = emptyTenant();
  for (const p of yamls) {
    tenant = loadTenantYaml(readText(p), p);
    files.push(p);
  }
  const errors: OcrouteError[] = [];
  for (const p of scripts) {
    try {
      const read = besideReader(dirPath, p, files);
      warnings.push(...runScript(tenant, readText(p), p, opts.collect ? errors : undefined, read).warnings);
    } catch (e) {
      if (!opts.collect || !isOcrouteError(e)) throw e;
      errors.push(e);
    }
    files.push(p);
  }
  try {
    checkRoutingLimits(tenant);
  } catch (e) {
    const located = (e as OcrouteError).at({ file: yamls.length === 1 && !scripts.length ? yamls[0] : dirPath });
    if (!opts.collect) throw located;
    errors.push(located);
  }
  return { tenant, files, warnings, errors };
}

/**
 * What a script may read (Import-Csv): a file of the configuration folder, named relative to the
 * script (`.\numbers.csv` as Windows writes it), never outside the folder (links followed); each one
 * read joins the configuration's files.
 */
function besideReader(dirPath: string, script: string, files: string[]): ReadBeside {
  const root = path.resolve(dirPath);
  return (name) => {
    const rel = name.replace(/\\/g, '/');
    const full = path.resolve(path.dirname(script), rel);
    const inside = path.relative(root, full);
    if (/^[A-Za-z]:/.test(rel) || path.isAbsolute(rel) || inside.startsWith('..') || path.isAbsolute(inside)) {
      throw new OcrouteError('E_PS1_PATH', `'${name}' is outside the configuration folder; ocroute reads only ` +
        `files in it: put the file beside the script and name it relative to it`, { field: '-Path' });
    }
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
      throw new OcrouteError('E_PS1_PATH', `'${name}' is not a file of the configuration folder (${full})`, {
        field: '-Path',
      });
    }
    if (path.relative(fs.realpathSync(root), fs.realpathSync(full)).startsWith('..')) {
      throw new OcrouteError('E_PS1_PATH', `'${name}' links outside the configuration folder; ocroute reads only ` +
        'files in it', { field: '-Path' });
    }
    const text = readText(full);
    if (!files.includes(full)) files.push(full);
    return { text, path: full };
  };
}

function readText(p: string): string {
  const st = fs.statSync(p);
  if (st.size > MAX_CONFIG_FILE_BYTES) {
    throw new OcrouteError('E_CONFIG_SIZE', `${st.size} bytes is over the ${MAX_CONFIG_FILE_BYTES}-byte limit for a ` +
      `config file`, { file: p });
  }
  return fs.readFileSync(p, 'utf8');
}
