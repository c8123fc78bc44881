/**
 * Export a tenant back to the YAML configuration format (config/yaml.ts loads it). The output
 * loads to the same tenant: same operators, numbers, users, grants, routes in priority order and
 * bridge. Operator portal accounts, migrations and meeting invites are history kept by the store
 * (its journal), not configuration, so they are left out, and the header says so.
 */
import { stringify } from 'yaml';
import type { TenantData } from '../tenant/types';

/** Drop undefined fields so the YAML holds only what is set. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length))) as T;
/** A record's values in key order (exports are stable whatever the insertion order). */
export const sortedValues = <T>(r: Record<string, T> | undefined): T[] => Object.keys(r ?? {}).sort().map((k) => r![k]);

export function tenantToConfig(t: TenantData): Record<string, unknown> {
  const { id, name, domain, teamsUpgradeMode, defaultRegion, locations } = t.tenant;
  const policies = (r: TenantData['onlineVoiceRoutingPolicies']) =>
    sortedValues(r).map((p) =>
      defined({ identity: p.identity, onlinePstnUsages: p.onlinePstnUsages, description: p.description }),
    );
  return defined({
    tenant: defined({ id, name, domain, teamsUpgradeMode, defaultRegion, locations }),
    operators: sortedValues(t.operators).map((o) =>
      defined({
        name: o.name, countries: o.countries, services: o.services, status: o.status,
        dataTransferNoticeAccepted: o.dataTransferNoticeAccepted, contact: o.contact,
      }),
    ),
    numbers: sortedValues(t.numbers).map((n) =>
      defined({
        number: n.number, operator: n.operator, type: n.capability, numberType: n.numberType,
        emergencyAddress: n.emergencyAddress, emergencyAddressMode: n.emergencyAddressMode,
        failsafeNumber: n.failsafeNumber, maxConcurrentCalls: n.maxConcurrentCalls,
        reverseNumberLookup: n.reverseNumberLookup, assignmentBlockedUntil: n.assignmentBlockedUntil,
      }),
    ),
    mobilityPolicies: sortedValues(t.mobilityPolicies).map((p) => defined({ ...p })),
    translationRules: sortedValues(t.translationRules ?? {}).map((r) => defined({ ...r })),
    onlinePstnGateways: sortedValues(t.gateways ?? {}).map((g) => defined({ ...g })),
    pstnUsages: t.pstnUsages,
    voiceRoutes: t.voiceRoutes.map((r) =>
      defined({
        identity: r.identity, numberPattern: r.numberPattern, onlinePstnUsages: r.onlinePstnUsages,
        priority: r.priority, bridgeSourcePhoneNumber: r.bridgeSourcePhoneNumber,
        onlinePstnGatewayList: r.onlinePstnGatewayList, description: r.description,
      }),
    ),
    dialPlans: sortedValues(t.dialPlans ?? {}).map((p) =>
      defined({
        identity: p.identity,
        description: p.description,
        simpleName: p.simpleName,
        normalizationRules: p.normalizationRules.map((r) =>
          defined({
            name: r.name, pattern: r.pattern, translation: r.translation,
            isInternalExtension: r.isInternalExtension || undefined, description: r.description,
          }),
        ),
      }),
    ),
    inboundBlockedNumberPatterns: t.inboundBlockedNumberPatterns?.map((p) => defined({ ...p })),
    inboundExemptNumberPatterns: t.inboundExemptNumberPatterns?.map((p) => defined({ ...p })),
    blockedCallingNumbers:
      t.blockedCallingNumbersEnabled === undefined ? undefined : { enabled: t.blockedCallingNumbersEnabled },
    emergencyCallRoutingPolicies: sortedValues(t.emergencyCallRoutingPolicies ?? {}).map((p) =>
      defined({
        ...p,
        emergencyNumbers: p.emergencyNumbers.map((n) => defined({ ...n })),
      }),
    ),
    unassignedNumberTreatments: t.unassignedNumberTreatments?.map((x) => defined({ ...x })),
    callingLineIdentities: sortedValues(t.callingLineIdentities ?? {}).map((p) => defined({ ...p })),
    audioConferencingRoutingPolicies: policies(t.audioConferencingRoutingPolicies),
    onlineVoiceRoutingPolicies: policies(t.onlineVoiceRoutingPolicies),
    users: sortedValues(t.users).map((u) =>
      defined({
        upn: u.upn, objectId: u.objectId, displayName: u.displayName, department: u.department, licenses: u.licenses,
        teamsUpgradeMode: u.teamsUpgradeMode, resourceAccount: u.resourceAccount, onPremLineUri: u.onPremLineUri,
        phoneNumber: u.phoneNumber, privateLine: u.privateLine, alternateLines: u.alternateLines,
        audioConferencingRoutingPolicy: u.audioConferencingRoutingPolicy,
        onlineVoiceRoutingPolicy: u.onlineVoiceRoutingPolicy, mobilityPolicy: u.mobilityPolicy,
        tenantDialPlan: u.tenantDialPlan, usageLocation: u.usageLocation, callingLineIdentity: u.callingLineIdentity,
        emergencyCallRoutingPolicy: u.emergencyCallRoutingPolicy,
      }),
    ),
    bridge:
      t.bridge.numbers.length || t.bridge.defaultNumber
        ? defined({ numbers: t.bridge.numbers, defaultNumber: t.bridge.defaultNumber })
        : undefined,
    globalGrants: Object.keys(t.globalGrants).length ? defined({ ...t.globalGrants }) : undefined,
    lisLocations: t.lisLocations ? sortedValues(t.lisLocations).map((l) => defined({ ...l })) : undefined,
    groups: t.groups ? sortedValues(t.groups).map((g) => defined({ ...g })) : undefined,
    // In rank order per type, so loading them in file order gives the same ranks back.
    groupPolicyAssignments: t.groupPolicyAssignments
      ? [...t.groupPolicyAssignments]
          .sort((a, b) => a.policyType.localeCompare(b.policyType) || a.rank - b.rank)
          .map((a) => ({ group: a.group, policyType: a.policyType, policyName: a.policyName, rank: a.rank }))
      : undefined,
  });
}

export function exportTenantYaml(t: TenantData): string {
  return `# ocroute tenant configuration, exported by ocroute (ocroute export, GET /v1/tenants/:id/export).\n` +
    `# Portal accounts, migrations and meeting invites are store history, not configuration: not included.\n` +
    stringify(tenantToConfig(t), { lineWidth: 0 });
}
