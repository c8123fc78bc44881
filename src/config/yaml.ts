/**
 * The YAML tenant file: parse (yaml), validate against the published JSON Schema (ajv), then
 * apply through the same tenant functions the cmdlets use. Every error, schema or rule,
 * carries the file, the line and the dotted path of the offending field.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { OcrouteError, isOcrouteError } from '../errors';
import * as dir from '../tenant/directory';
import * as vr from '../tenant/voice-routing';
import { emptyTenant, type License, type TenantData } from '../tenant/types';
import schema from './tenant.schema.json';

export { schema as tenantSchema };

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(schema);

type Path = (string | number)[];

/* eslint-disable @typescript-eslint/no-explicit-any -- validated by the schema above */
export function loadTenantYaml(src: string, file?: string): TenantData {
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new OcrouteError('E_YAML', `YAML syntax: ${e.message.split('\n')[0]}`, { file, line: lc.linePos(e.pos[0]).line });
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as any;
  const lineOf = (path: Path): number | undefined => locate(doc, lc, path);
  const valid: boolean = validate(data);
  if (!valid) {
    const err = validate.errors![0];
    const path = pointerToPath(err.instancePath);
    throw new OcrouteError('E_SCHEMA', schemaMessage(err), { file, line: lineOf(path), field: path.join('.') || '(root)' });
  }
  const at = (path: Path, fn: () => void): void => {
    try { fn(); } catch (e) {
      if (!isOcrouteError(e)) throw e;
      const leaf = e.location.field;
      const full = leaf && hasPath(doc, [...path, leaf]) ? [...path, leaf] : path;
      throw new OcrouteError(e.code, e.message, { file, line: lineOf(full), field: full.join('.') });
    }
  };
  const t = emptyTenant({ ...data.tenant });
  (data.operators ?? []).forEach((o: any, i: number) => at(['operators', i], () => dir.enableOperator(t, o)));
  (data.numbers ?? []).forEach((n: any, i: number) =>
    at(['numbers', i], () => dir.uploadNumber(t, { ...n, capability: n.type })));
  const bridge = data.bridge ?? {};
  (bridge.numbers ?? []).forEach((n: string, i: number) => at(['bridge', 'numbers', i], () => dir.addBridgeNumber(t, n, n === bridge.defaultNumber)));
  if (bridge.defaultNumber && !(bridge.numbers ?? []).includes(bridge.defaultNumber)) {
    at(['bridge', 'defaultNumber'], () => dir.addBridgeNumber(t, bridge.defaultNumber, true));
  }
  (data.mobilityPolicies ?? []).forEach((p: any, i: number) => at(['mobilityPolicies', i], () => dir.newMobilityPolicy(t, p.identity, p.mobileDialerPreference)));
  if (data.pstnUsages) at(['pstnUsages'], () => vr.setPstnUsages(t, data.pstnUsages));
  (data.voiceRoutes ?? []).forEach((r: any, i: number) => at(['voiceRoutes', i], () => vr.newVoiceRoute(t, {
    identity: r.identity, numberPattern: r.numberPattern, onlinePstnUsages: r.onlinePstnUsages,
    priority: r.priority, bridgeSourcePhoneNumber: r.bridgeSourcePhoneNumber,
    onlinePstnGatewayList: r.onlinePstnGatewayList, description: r.description,
  })));
  for (const [key, kind] of [['audioConferencingRoutingPolicies', 'audioConferencingRoutingPolicies'], ['onlineVoiceRoutingPolicies', 'onlineVoiceRoutingPolicies']] as const) {
    (data[key] ?? []).forEach((p: any, i: number) => at([key, i], () => vr.newUsagePolicy(t, kind, p)));
  }
  (data.users ?? []).forEach((u: any, i: number) => at(['users', i], () => {
    dir.addUser(t, { ...u, licenses: u.licenses as License[] });
    const grants: [string, () => void][] = [
      ['audioConferencingRoutingPolicy', () => vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', { identity: u.upn }, u.audioConferencingRoutingPolicy)],
      ['onlineVoiceRoutingPolicy', () => vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', { identity: u.upn }, u.onlineVoiceRoutingPolicy)],
      ['mobilityPolicy', () => dir.grantMobilityPolicy(t, { identity: u.upn }, u.mobilityPolicy)],
      ['phoneNumber', () => dir.assignNumber(t, u.upn, u.phoneNumber)],
    ];
    for (const [k, fn] of grants) if (u[k] !== undefined) at(['users', i, k], fn);
  }));
  const g = data.globalGrants ?? {};
  if (g.audioConferencingRoutingPolicy) at(['globalGrants', 'audioConferencingRoutingPolicy'], () => vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', { global: true }, g.audioConferencingRoutingPolicy));
  if (g.onlineVoiceRoutingPolicy) at(['globalGrants', 'onlineVoiceRoutingPolicy'], () => vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', { global: true }, g.onlineVoiceRoutingPolicy));
  if (g.mobilityPolicy) at(['globalGrants', 'mobilityPolicy'], () => dir.grantMobilityPolicy(t, { global: true }, g.mobilityPolicy));
  return t;
}

function schemaMessage(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the document';
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field '${(e.params as any).additionalProperty}' in ${where}`;
    case 'required': return `${where} is missing required field '${(e.params as any).missingProperty}'`;
    case 'enum': return `${where} must be one of ${(e.params as any).allowedValues.join(', ')}`;
    default: return `${where} ${e.message}`;
  }
}

function pointerToPath(ptr: string): Path {
  if (!ptr) return [];
  return ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function hasPath(doc: Document, path: Path): boolean {
  return doc.getIn(path, true) !== undefined;
}

/** Line of the deepest node on `path` that exists (a missing field points at its parent). */
function locate(doc: Document, lc: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
