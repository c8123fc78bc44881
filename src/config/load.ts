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
  let entries: string[];
  try {
    entries = fs.readdirSync(dirPath).sort();
  } catch (e) {
    throw new OcrouteError('E_CONFIG_DIR', `cannot read config folder '${dirPath}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: dirPath });
  }
  const yamls = entries.filter((f) => /\.ya?ml$/i.test(f));
  const scripts = entries.filter((f) => /\.ps1$/i.test(f));
  if (yamls.length > 1) {
    throw new OcrouteError('E_CONFIG_DIR', `one tenant per folder: found ${yamls.length} YAML files (${yamls.join(', ')})`, { file: dirPath });
  }
  if (!yamls.length && !scripts.length) throw new OcrouteError('E_CONFIG_DIR', `no *.yaml or *.ps1 files in '${dirPath}'`, { file: dirPath });
  const files: string[] = [];
  const warnings: string[] = [];
  let tenant: TenantData = emptyTenant();
  for (const f of yamls) {
    const p = path.join(dirPath, f);
    tenant = loadTenantYaml(readText(p), p);
    files.push(p);
  }
  const errors: OcrouteError[] = [];
  for (const f of scripts) {
    const p = path.join(dirPath, f);
    try {
      warnings.push(...runScript(tenant, readText(p), p, opts.collect ? errors : undefined).warnings);
    } catch (e) {
      if (!opts.collect || !isOcrouteError(e)) throw e;
      errors.push(e);
    }
    files.push(p);
  }
  try {
    checkRoutingLimits(tenant);
  } catch (e) {
    const located = (e as OcrouteError).at({ file: dirPath });
    if (!opts.collect) throw located;
    errors.push(located);
  }
  return { tenant, files, warnings, errors };
}

function readText(p: string): string {
  const st = fs.statSync(p);
  if (st.size > MAX_CONFIG_FILE_BYTES) {
    throw new OcrouteError('E_CONFIG_SIZE', `${st.size} bytes is over the ${MAX_CONFIG_FILE_BYTES}-byte limit for a config file`, { file: p });
  }
  return fs.readFileSync(p, 'utf8');
}
