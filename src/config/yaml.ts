/**
 * The YAML tenant file: parse (yaml), validate against the published JSON Schema (ajv), then
 * apply through the same tenant functions the cmdlets use. Every error, schema or rule,
 * carries the file, the line and the dotted path of the offending field.
 */
import { OcrouteError, isOcrouteError } from '../errors';
import { addBridgeNumber } from '../tenant/bridge';
import * as cid from '../tenant/caller-id';
import * as dp from '../tenant/dial-plans';
import * as dir from '../tenant/directory';
import * as er from '../tenant/emergency-routing';
import * as gw from '../tenant/gateways';
import * as tr from '../tenant/translation-rules';
import * as ib from '../tenant/inbound-blocking';
import { assignAlternateLine, assignPrivateLine } from '../tenant/private-line';
import * as un from '../tenant/unassigned';
import * as vr from '../tenant/voice-routing';
import type { GrantTarget } from '../tenant/grants';
import { addGroup } from '../tenant/groups';
import { addLisLocation } from '../tenant/emergency';
import { emptyTenant, type GrantKey, type License, type TenantData } from '../tenant/types';
import schema from './tenant.schema.json';
import { compileSchema, loadYamlDoc, type Path } from './yaml-doc';

export { schema as tenantSchema };

const validate = compileSchema(schema);

/** Each policy type's Grant-* function, for group assignments. */
const GROUP_GRANT: Record<GrantKey, (t: TenantData, target: GrantTarget, name: string) => void> = {
  onlineVoiceRoutingPolicy: (t, g, n) => vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', g, n),
  audioConferencingRoutingPolicy: (t, g, n) => vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', g, n),
  mobilityPolicy: dir.grantMobilityPolicy, tenantDialPlan: dp.grantTenantDialPlan,
  callingLineIdentity: cid.grantCallingLineIdentity, emergencyCallRoutingPolicy: er.grantEmergencyPolicy,
};

/* eslint-disable @typescript-eslint/no-explicit-any -- validated by the schema above */
export function loadTenantYaml(src: string, file?: string): TenantData {
  const { data, lineOf, has } = loadYamlDoc<any>(src, validate, file);
  const at = (path: Path, fn: () => void): void => {
    try { fn(); } catch (e) {
      if (!isOcrouteError(e)) throw e;
      // A rule may name a nested field (normalizationRules.0.pattern): a path below `path`.
      // Cmdlet rules name parameters (Pattern); the YAML key is its camelCase form (pattern).
      const leaf = e.location.field?.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const camel = leaf?.map((k) => (typeof k === 'string' ? k[0].toLowerCase() + k.slice(1) : k));
      const full =
        leaf && has([...path, ...leaf])
          ? [...path, ...leaf]
          : camel && has([...path, ...camel])
            ? [...path, ...camel]
            : path;
      throw new OcrouteError(e.code, e.message, { file, line: lineOf(full), field: full.join('.') });
    }
  };
  const t = emptyTenant({ ...data.tenant });
  // Operators start Active so their numbers can be assigned below; a Suspended status applies last.
  (data.operators ?? []).forEach((o: any, i: number) =>
    at(['operators', i], () => dir.enableOperator(t, { ...o, status: 'Active' })),
  );
  (data.numbers ?? []).forEach((n: any, i: number) =>
    at(['numbers', i], () => dir.uploadNumber(t, { ...n, capability: n.type })));
  const bridge = data.bridge ?? {};
  (bridge.numbers ?? []).forEach((n: string, i: number) =>
    at(['bridge', 'numbers', i], () => addBridgeNumber(t, n, n === bridge.defaultNumber)),
  );
  if (bridge.defaultNumber && !(bridge.numbers ?? []).includes(bridge.defaultNumber)) {
    at(['bridge', 'defaultNumber'], () => addBridgeNumber(t, bridge.defaultNumber, true));
  }
  (data.mobilityPolicies ?? []).forEach((p: any, i: number) =>
    at(['mobilityPolicies', i], () => dir.newMobilityPolicy(t, p.identity, p.mobileDialerPreference, p)),
  );
  (data.translationRules ?? []).forEach((r: any, i: number) =>
    at(['translationRules', i], () => tr.newTranslationRule(t, r)),
  );
  (data.onlinePstnGateways ?? []).forEach((g: any, i: number) =>
    at(['onlinePstnGateways', i], () => gw.newGateway(t, g)),
  );
  if (data.pstnUsages) at(['pstnUsages'], () => vr.setPstnUsages(t, data.pstnUsages));
  (data.voiceRoutes ?? []).forEach((r: any, i: number) => at(['voiceRoutes', i], () => vr.newVoiceRoute(t, {
    identity: r.identity, numberPattern: r.numberPattern, onlinePstnUsages: r.onlinePstnUsages,
    priority: r.priority, bridgeSourcePhoneNumber: r.bridgeSourcePhoneNumber,
    onlinePstnGatewayList: r.onlinePstnGatewayList, description: r.description,
  })));
  for (const [key, kind] of [
    ['audioConferencingRoutingPolicies', 'audioConferencingRoutingPolicies'],
    ['onlineVoiceRoutingPolicies', 'onlineVoiceRoutingPolicies'],
  ] as const) {
    (data[key] ?? []).forEach((p: any, i: number) =>
      at([key, i], () => {
        if (p.identity.toLowerCase() === 'global') vr.setUsagePolicy(t, kind, p);
        else vr.newUsagePolicy(t, kind, p);
      }),
    );
  }
  (data.dialPlans ?? []).forEach((p: any, i: number) => at(['dialPlans', i], () => {
    if (p.identity.toLowerCase() === 'global') dp.setTenantDialPlan(t, p); else dp.newTenantDialPlan(t, p);
  }));
  for (const list of ['inboundBlockedNumberPatterns', 'inboundExemptNumberPatterns'] as const) {
    (data[list] ?? []).forEach((p: any, i: number) => at([list, i], () => ib.newInboundPattern(t, list, p)));
  }
  if (data.blockedCallingNumbers?.enabled !== undefined)
    ib.setTenantBlockedCallingNumbers(t, data.blockedCallingNumbers.enabled);
  (data.users ?? []).forEach((u: any, i: number) => at(['users', i], () => {
    dir.addUser(t, { ...u, licenses: u.licenses as License[] });
    const grants: [string, () => void][] = [
      [
        'audioConferencingRoutingPolicy',
        () =>
          vr.grantUsagePolicy(
            t, 'audioConferencingRoutingPolicies', { identity: u.upn }, u.audioConferencingRoutingPolicy,
          ),
      ],
      [
        'onlineVoiceRoutingPolicy',
        () => vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', { identity: u.upn }, u.onlineVoiceRoutingPolicy),
      ],
      ['mobilityPolicy', () => dir.grantMobilityPolicy(t, { identity: u.upn }, u.mobilityPolicy)],
      ['tenantDialPlan', () => dp.grantTenantDialPlan(t, { identity: u.upn }, u.tenantDialPlan)],
      ['phoneNumber', () => dir.assignNumber(t, u.upn, u.phoneNumber)],
      ['privateLine', () => assignPrivateLine(t, u.upn, u.privateLine)],
    ];
    (u.alternateLines ?? []).forEach((n: string, j: number) =>
      grants.push([`alternateLines.${j}`, () => assignAlternateLine(t, u.upn, n)]),
    );
    for (const [k, fn] of grants) {
      const path = k.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
      if (k.includes('.') || u[k] !== undefined) at(['users', i, ...path], fn);
    }
  }));
  // Caller ID policies may name a resource account (and its number): after the users.
  (data.callingLineIdentities ?? []).forEach((p: any, i: number) => at(['callingLineIdentities', i], () => {
    if (p.identity.toLowerCase() === 'global') cid.setCallingLineIdentity(t, p); else cid.newCallingLineIdentity(t, p);
  }));
  (data.users ?? []).forEach((u: any, i: number) => {
    if (u.callingLineIdentity !== undefined) {
      at(['users', i, 'callingLineIdentity'], () =>
        cid.grantCallingLineIdentity(t, { identity: u.upn }, u.callingLineIdentity),
      );
    }
  });
  (data.emergencyCallRoutingPolicies ?? []).forEach((p: any, i: number) =>
    at(['emergencyCallRoutingPolicies', i], () => er.newEmergencyPolicy(t, p)),
  );
  (data.users ?? []).forEach((u: any, i: number) => {
    if (u.emergencyCallRoutingPolicy !== undefined) {
      at(['users', i, 'emergencyCallRoutingPolicy'], () =>
        er.grantEmergencyPolicy(t, { identity: u.upn }, u.emergencyCallRoutingPolicy),
      );
    }
  });
  if (data.globalGrants?.emergencyCallRoutingPolicy) {
    at(['globalGrants', 'emergencyCallRoutingPolicy'], () =>
      er.grantEmergencyPolicy(t, { global: true }, data.globalGrants.emergencyCallRoutingPolicy),
    );
  }
  (data.unassignedNumberTreatments ?? []).forEach((x: any, i: number) =>
    at(['unassignedNumberTreatments', i], () => un.newTreatment(t, x)),
  );
  const g = data.globalGrants ?? {};
  if (g.audioConferencingRoutingPolicy)
    at(['globalGrants', 'audioConferencingRoutingPolicy'], () =>
      vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', { global: true }, g.audioConferencingRoutingPolicy),
    );
  if (g.onlineVoiceRoutingPolicy)
    at(['globalGrants', 'onlineVoiceRoutingPolicy'], () =>
      vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', { global: true }, g.onlineVoiceRoutingPolicy),
    );
  if (g.callingLineIdentity)
    at(['globalGrants', 'callingLineIdentity'], () =>
      cid.grantCallingLineIdentity(t, { global: true }, g.callingLineIdentity),
    );
  if (g.tenantDialPlan)
    at(['globalGrants', 'tenantDialPlan'], () => dp.grantTenantDialPlan(t, { global: true }, g.tenantDialPlan));
  if (g.mobilityPolicy)
    at(['globalGrants', 'mobilityPolicy'], () => dir.grantMobilityPolicy(t, { global: true }, g.mobilityPolicy));
  (data.lisLocations ?? []).forEach((l: any, i: number) => at(['lisLocations', i], () => addLisLocation(t, l)));
  (data.groups ?? []).forEach((x: any, i: number) => at(['groups', i], () => addGroup(t, x)));
  // Group assignments in file order: each rank given is honoured as Grant-* -Rank would.
  (data.groupPolicyAssignments ?? []).forEach((a: any, i: number) => at(['groupPolicyAssignments', i], () => {
    GROUP_GRANT[a.policyType as GrantKey](t, { group: a.group, rank: a.rank }, a.policyName);
  }));
  for (const o of data.operators ?? []) if (o.status) t.operators[o.name].status = o.status;
  return t;
}
