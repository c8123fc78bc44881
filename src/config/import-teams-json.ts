/**
 * `ocroute import teams-json`: a tenant backed up as `Get-Cs... | ConvertTo-Json` (one file, a
 * folder of them, or a zip such as the BackupRestoreTeamsEV script writes: PSTNUsages.txt,
 * TranslationRules.txt, PSTNGateways.txt, VoiceRoutes.txt, VoiceRoutingPolicies.txt,
 * Dialplans.txt) becomes a tenant, applied through the same rules the cmdlets use. Objects are
 * recognised by their real property names (NumberPattern, OnlinePstnUsages, Fqdn, Usage,
 * NormalizationRules, ...), whatever the file is called. Windows PowerShell's UTF-16 output and
 * ConvertTo-Json's habit of writing a one-item list as the item are both read. Every error
 * names the file and the object's place in it; a zip is read within fixed size bounds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { isOcrouteError, OcrouteError } from '../errors';
import * as dp from '../tenant/dial-plans';
import * as gw from '../tenant/gateways';
import * as tr from '../tenant/translation-rules';
import { emptyTenant, untag, type TenantData } from '../tenant/types';
import * as vr from '../tenant/voice-routing';

/** Bounds on what an import reads: files, each file's size, and a zip's total once inflated. */
export const IMPORT_LIMITS = { files: 200, fileBytes: 20 * 1024 * 1024, totalBytes: 100 * 1024 * 1024 };

type Json = Record<string, unknown>;
interface Found {
  file: string;
  index: number;
  obj: Json;
}

/** Text from bytes: UTF-16LE/BE with BOM (Windows PowerShell's Out-File), else UTF-8 (BOM dropped). */
export function decodeText(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xfe) return Buffer.from(b.subarray(2)).toString('utf16le');
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
  const s = Buffer.from(b).toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function readSource(source: string): { name: string; bytes: Uint8Array }[] {
  const fail = (m: string): never => {
    throw new OcrouteError('E_IMPORT', m, { file: source });
  };
  if (!fs.existsSync(source)) fail(`${source} does not exist`);
  const st = fs.statSync(source);
  if (st.isDirectory()) {
    const names = fs
      .readdirSync(source)
      .filter((f) => /\.(json|txt)$/i.test(f))
      .sort();
    if (!names.length) fail(`no .json or .txt files in ${source}`);
    if (names.length > IMPORT_LIMITS.files) fail(`more than ${IMPORT_LIMITS.files} files in ${source}`);
    return names.map((n) => readFile(path.join(source, n)));
  }
  if (/\.zip$/i.test(source)) return readZip(source, fail);
  return [readFile(source)];
}

function readFile(p: string): { name: string; bytes: Uint8Array } {
  if (fs.statSync(p).size > IMPORT_LIMITS.fileBytes) {
    throw new OcrouteError('E_IMPORT', `larger than ${IMPORT_LIMITS.fileBytes} bytes`, { file: p });
  }
  return { name: p, bytes: fs.readFileSync(p) };
}

function readZip(p: string, fail: (m: string) => never): { name: string; bytes: Uint8Array }[] {
  const raw = readFile(p).bytes;
  let total = 0;
  let count = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(raw, {
      // Sizes come from the zip's own directory, checked before anything is inflated.
      filter: (f) => {
        if (!/\.(json|txt)$/i.test(f.name) || f.name.endsWith('/')) return false;
        total += f.originalSize;
        if (++count > IMPORT_LIMITS.files) fail(`more than ${IMPORT_LIMITS.files} files in the zip`);
        if (f.originalSize > IMPORT_LIMITS.fileBytes || total > IMPORT_LIMITS.totalBytes) {
          fail(`the zip inflates past ${IMPORT_LIMITS.totalBytes} bytes (${f.name}); refused`);
        }
        return true;
      },
    });
  } catch (e) {
    if (isOcrouteError(e)) throw e;
    return fail(`not a readable zip: ${(e as Error).message}`);
  }
  const names = Object.keys(files).sort();
  if (!names.length) fail('no .json or .txt files in the zip');
  return names.map((n) => ({ name: `${p}!${n}`, bytes: files[n] }));
}

function parseObjects(file: { name: string; bytes: Uint8Array }): Found[] {
  const text = decodeText(file.bytes).trim();
  if (!text) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new OcrouteError('E_IMPORT', `not JSON (ConvertTo-Json output): ${(e as Error).message}`, {
      file: file.name,
    });
  }
  // ConvertTo-Json writes one object, not a one-item list, when a single object was piped.
  const list = Array.isArray(v) ? v : [v];
  return list.map((obj, index) => {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new OcrouteError('E_IMPORT', 'expected an object with the properties a Get-Cs cmdlet writes', {
        file: file.name,
        field: `[${index}]`,
      });
    }
    return { file: file.name, index, obj: obj as Json };
  });
}

type Kind = 'usages' | 'translationRule' | 'gateway' | 'route' | 'policy' | 'dialPlan';
const ORDER: Kind[] = ['usages', 'translationRule', 'gateway', 'route', 'policy', 'dialPlan'];

/** What an object is, from the properties Get-CsOnlinePstnUsage & co. write. */
function kindOf(o: Json): Kind | undefined {
  const has = (k: string) => Object.keys(o).some((x) => x.toLowerCase() === k.toLowerCase());
  if (has('NumberPattern') && has('OnlinePstnUsages')) return 'route';
  if (has('Usage')) return 'usages';
  if (has('SipSignalingPort') || has('Fqdn')) return 'gateway';
  if (has('NormalizationRules')) return 'dialPlan';
  if (has('OnlinePstnUsages')) return 'policy';
  if (has('Pattern') && has('Translation')) return 'translationRule';
  return undefined;
}

/** A property by name, case-insensitive as PowerShell's are. */
function prop(o: Json, name: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}
const str = (o: Json, n: string) => {
  const v = prop(o, n);
  return v === null || v === undefined || v === '' ? undefined : String(v);
};
/** A list property: ConvertTo-Json may write one item as itself, and none as null. */
const list = (o: Json, n: string): string[] => {
  const v = prop(o, n);
  if (v === null || v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
};
const bool = (o: Json, n: string) => (typeof prop(o, n) === 'boolean' ? (prop(o, n) as boolean) : undefined);
const int = (o: Json, n: string) => (typeof prop(o, n) === 'number' ? (prop(o, n) as number) : undefined);

const APPLY: Record<Kind, (t: TenantData, o: Json) => void> = {
  usages: (t, o) => vr.setPstnUsages(t, { add: list(o, 'Usage').filter((u) => !t.pstnUsages.includes(u)) }),
  translationRule: (t, o) =>
    tr.newTranslationRule(t, {
      identity: str(o, 'Identity') ?? str(o, 'Name') ?? '', pattern: str(o, 'Pattern'),
      translation: prop(o, 'Translation') === '' ? '' : str(o, 'Translation'), description: str(o, 'Description'),
    }),
  gateway: (t, o) =>
    gw.newGateway(t, {
      identity: str(o, 'Fqdn') ?? str(o, 'Identity') ?? '', sipSignalingPort: int(o, 'SipSignalingPort'),
      enabled: bool(o, 'Enabled'), failoverTimeSeconds: int(o, 'FailoverTimeSeconds'),
      failoverResponseCodes: str(o, 'FailoverResponseCodes'),
      maxConcurrentSessions: int(o, 'MaxConcurrentSessions') ?? null, sendSipOptions: bool(o, 'SendSipOptions'),
      forwardPai: bool(o, 'ForwardPai'), forwardCallHistory: bool(o, 'ForwardCallHistory'),
      description: str(o, 'Description'),
      inboundTeamsNumberTranslationRules: list(o, 'InboundTeamsNumberTranslationRules'),
      inboundPstnNumberTranslationRules: list(o, 'InboundPstnNumberTranslationRules'),
      outboundTeamsNumberTranslationRules: list(o, 'OutboundTeamsNumberTranslationRules'),
      outboundPstnNumberTranslationRules: list(o, 'OutboundPstnNumberTranslationRules'),
    }),
  route: (t, o) =>
    vr.newVoiceRoute(t, {
      identity: str(o, 'Identity') ?? str(o, 'Name') ?? '', numberPattern: str(o, 'NumberPattern'),
      onlinePstnUsages: list(o, 'OnlinePstnUsages'), bridgeSourcePhoneNumber: str(o, 'BridgeSourcePhoneNumber'),
      onlinePstnGatewayList: list(o, 'OnlinePstnGatewayList'), description: str(o, 'Description'),
    }),
  policy: (t, o) => {
    const identity = untag(str(o, 'Identity') ?? '');
    const input = { identity, onlinePstnUsages: list(o, 'OnlinePstnUsages'), description: str(o, 'Description') };
    if (identity.toLowerCase() === 'global') vr.setUsagePolicy(t, 'onlineVoiceRoutingPolicies', input);
    else vr.newUsagePolicy(t, 'onlineVoiceRoutingPolicies', input);
  },
  dialPlan: (t, o) => {
    const identity = untag(str(o, 'Identity') ?? '');
    const plan = { identity, description: str(o, 'Description'), simpleName: str(o, 'SimpleName') };
    if (identity.toLowerCase() === 'global') dp.setTenantDialPlan(t, plan);
    else dp.newTenantDialPlan(t, plan);
    const rules = (prop(o, 'NormalizationRules') ?? []) as unknown;
    const items = (Array.isArray(rules) ? rules : [rules]).filter((r) => r && typeof r === 'object') as Json[];
    // Rules apply in Priority order where the export has one, else in the order written.
    const ordered = items
      .map((r, i) => ({ r, i }))
      .sort((a, b) => (int(a.r, 'Priority') ?? a.i) - (int(b.r, 'Priority') ?? b.i));
    for (const { r } of ordered) {
      dp.newNormalizationRule(t, {
        parent: identity, name: str(r, 'Name') ?? '', pattern: str(r, 'Pattern'), translation: str(r, 'Translation'),
        isInternalExtension: bool(r, 'IsInternalExtension'), description: str(r, 'Description'),
      });
    }
  },
};

export interface ImportResult {
  tenant: TenantData;
  counts: Record<Kind, number>;
  /** Objects of a kind ocroute does not read (named by file and place), skipped. */
  skipped: string[];
}

/** Read a Teams JSON export (file, folder or zip) into a new tenant; throws a located error. */
export function importTeamsJson(source: string, info: { id?: string; name?: string } = {}): ImportResult {
  const objects = readSource(source).flatMap(parseObjects);
  const t = emptyTenant({ ...(info.id ? { id: info.id } : {}), name: info.name ?? 'imported from Teams JSON' });
  const counts = Object.fromEntries(ORDER.map((k) => [k, 0])) as Record<Kind, number>;
  const skipped: string[] = [];
  const byKind = new Map<Kind, Found[]>(ORDER.map((k) => [k, []]));
  for (const f of objects) {
    const k = kindOf(f.obj);
    if (k) byKind.get(k)!.push(f);
    else skipped.push(`${f.file} [${f.index}]`);
  }
  // Routes keep the order Teams reports by Priority; ties keep file order.
  byKind.get('route')!.sort((a, b) => (int(a.obj, 'Priority') ?? 0) - (int(b.obj, 'Priority') ?? 0));
  for (const k of ORDER) {
    for (const f of byKind.get(k)!) {
      try {
        APPLY[k](t, f.obj);
      } catch (e) {
        if (!isOcrouteError(e)) throw e;
        const what = str(f.obj, 'Identity') ?? str(f.obj, 'Fqdn') ?? '';
        const field = `[${f.index}]${what ? ` (${what})` : ''}${e.location.field ? `.${e.location.field}` : ''}`;
        throw new OcrouteError(e.code, e.message, { file: f.file, field });
      }
      counts[k]++;
    }
  }
  return { tenant: t, counts, skipped };
}
