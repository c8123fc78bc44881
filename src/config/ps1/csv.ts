/**
 * Import-Csv, as bulk scripts use it (`Import-Csv .\numbers.csv | ForEach-Object {
 * Set-CsPhoneNumberAssignment -Identity $_.UPN -PhoneNumber $_.Number ... }`): each row is an
 * object whose properties are the header's columns. The interpreter reads no files itself: the
 * loader lends it a reader confined to the configuration folder (load.ts), and a script with none
 * (sent over the admin API) gets a located error. Parsed with csv-parse (RFC 4180 quoting).
 */
import { parse } from 'csv-parse/sync';
import { OcrouteError } from '../../errors';
import type { CmdletObject, Invocation } from './ast';
import { bind } from './binder';
import { S } from './cmdlet-kit';

/** A file beside the script, by the name the script gives; throws a located error when refused. */
export type ReadBeside = (name: string) => { text: string; path: string };

const PARAMS = [
  S('Path', { position: 0, required: true, aliases: ['LiteralPath'] }), S('Delimiter'), S('Encoding'),
  { name: 'UseCulture', type: 'switch' as const },
];

export function importCsv(inv: Invocation, read: ReadBeside | undefined, file?: string): CmdletObject[] {
  const a = bind(inv, PARAMS, file).values;
  if (!read) {
    throw new OcrouteError('E_PS1_CMDLET', 'it reads a file beside the script, and this script has none (it came ' +
      'over the admin API): put the values in the script', { field: '-Path' });
  }
  const delimiter = (a.Delimiter as string | undefined) ?? ',';
  if (delimiter.length !== 1)
    throw new OcrouteError('E_PS1_PARAM', `-Delimiter is one character, not '${delimiter}'`, { field: '-Delimiter' });
  const { text, path } = read(a.Path as string);
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { delimiter, skip_empty_lines: true, relax_column_count: true });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new OcrouteError('E_CSV', `Import-Csv: ${(e as Error).message}`, { file: path, line });
  }
  const [header = [], ...data] = rows;
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  if (twice !== undefined)
    throw new OcrouteError('E_CSV', `Import-Csv: the header names '${twice}' twice`, { file: path, line: 1 });
  // As PowerShell's: a column a short row lacks is $null; fields past the header are dropped.
  return data.map((r) => ({ objectType: 'CsvRow', ...Object.fromEntries(header.map((h, i) => [h, r[i] ?? null])) }));
}
