/**
 * Export a tenant as Teams PowerShell: `ocroute export --ps1`. What Teams cmdlets configure
 * (usages, gateways, translation rules, routes, policies, dial plans, caller ID, emergency
 * routing, blocking, unassigned numbers, number assignments and grants) is written as the
 * cmdlets that recreate it, in an order each depends on the ones before; the directory the
 * cmdlets act on (tenant, operators, numbers, users, groups, bridge) has no cmdlet in Teams and
 * stays YAML. Loading the two (a folder with both) gives the tenant back: export.ts's YAML of the
 * result is identical (test/export-ps1.ts).
 */
import { stringify } from 'yaml';
import { sortedValues, tenantToConfig } from './export';
import { GRANT_KEYS, type GrantKey, type TenantData } from '../tenant/types';

/** A PowerShell literal: 'single-quoted' strings, $true/$false, numbers, 'a','b' lists. */
function lit(v: unknown): string {
  if (typeof v === 'boolean') return v ? '$true' : '$false';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? v.map(lit).join(',') : '@()';
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** `Cmdlet -Param value ...` from an object whose fields mirror the cmdlet's parameters. */
function call(cmdlet: string, fields: Record<string, unknown>): string {
  const args = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `-${k[0].toUpperCase()}${k.slice(1)} ${lit(v)}`);
  return [cmdlet, ...args].join(' ');
}

const sorted = sortedValues;

const GRANT_CMDLET: Record<GrantKey, string> = {
  onlineVoiceRoutingPolicy: 'Grant-CsOnlineVoiceRoutingPolicy',
  audioConferencingRoutingPolicy: 'Grant-CsOnlineAudioConferencingRoutingPolicy',
  mobilityPolicy: 'Grant-CsTeamsMobilityPolicy', tenantDialPlan: 'Grant-CsTenantDialPlan',
  callingLineIdentity: 'Grant-CsCallingLineIdentity',
  emergencyCallRoutingPolicy: 'Grant-CsTeamsEmergencyCallRoutingPolicy',
};

function routing(t: TenantData): string[] {
  const out: string[] = [];
  if (t.pstnUsages.length) out.push(`Set-CsOnlinePstnUsage -Identity Global -Usage @{Add=${lit(t.pstnUsages)}}`);
  for (const r of sorted(t.translationRules)) out.push(call('New-CsTeamsTranslationRule', { ...r }));
  for (const g of sorted(t.gateways)) out.push(call('New-CsOnlinePSTNGateway', { ...g }));
  for (const r of t.voiceRoutes) {
    // Routes are created in priority order, each at its own priority.
    out.push(
      call('New-CsOnlineVoiceRoute', {
        ...r, onlinePstnUsages: r.onlinePstnUsages.length ? r.onlinePstnUsages : undefined,
        onlinePstnGatewayList: r.onlinePstnGatewayList.length ? r.onlinePstnGatewayList : undefined,
      }),
    );
  }
  // The Global instance always exists: it is set, the others created.
  const usagePolicy = (noun: string, p: { identity: string; onlinePstnUsages: string[]; description?: string }) =>
    call(`${p.identity === 'Global' ? 'Set' : 'New'}-Cs${noun}`, {
      ...p,
      onlinePstnUsages: p.onlinePstnUsages.length ? p.onlinePstnUsages : undefined,
    });
  for (const p of sorted(t.onlineVoiceRoutingPolicies)) out.push(usagePolicy('OnlineVoiceRoutingPolicy', p));
  for (const p of sorted(t.audioConferencingRoutingPolicies))
    out.push(usagePolicy('OnlineAudioConferencingRoutingPolicy', p));
  for (const p of sorted(t.mobilityPolicies)) out.push(call('New-CsTeamsMobilityPolicy', { ...p }));
  return out;
}

function pipeline(t: TenantData): string[] {
  const out: string[] = [];
  for (const p of sorted(t.dialPlans)) {
    const { normalizationRules, ...plan } = p;
    out.push(call(p.identity.toLowerCase() === 'global' ? 'Set-CsTenantDialPlan' : 'New-CsTenantDialPlan', plan));
    for (const r of normalizationRules) {
      out.push(
        call('New-CsVoiceNormalizationRule', {
          parent: p.identity, ...r, isInternalExtension: r.isInternalExtension || undefined,
        }),
      );
    }
  }
  for (const p of sorted(t.callingLineIdentities)) {
    out.push(
      call(p.identity.toLowerCase() === 'global' ? 'Set-CsCallingLineIdentity' : 'New-CsCallingLineIdentity', { ...p }),
    );
  }
  for (const p of sorted(t.emergencyCallRoutingPolicies)) {
    const { emergencyNumbers, ...rest } = p;
    const vars = emergencyNumbers.map((n, i) => {
      // The page takes the masks as one ';'-separated string.
      const masks = n.emergencyDialMask.join(';') || undefined;
      out.push(`$en${i + 1} = ${call('New-CsTeamsEmergencyNumber', { ...n, emergencyDialMask: masks })}`);
      return `$en${i + 1}`;
    });
    const numbers = vars.length ? ` -EmergencyNumbers @{Add=${vars.join(',')}}` : '';
    out.push(`${call('New-CsTeamsEmergencyCallRoutingPolicy', rest)}${numbers}`);
  }
  for (const p of t.inboundBlockedNumberPatterns ?? []) out.push(call('New-CsInboundBlockedNumberPattern', { ...p }));
  for (const p of t.inboundExemptNumberPatterns ?? []) out.push(call('New-CsInboundExemptNumberPattern', { ...p }));
  if (t.blockedCallingNumbersEnabled !== undefined)
    out.push(call('Set-CsTenantBlockedCallingNumbers', { enabled: t.blockedCallingNumbersEnabled }));
  for (const x of t.unassignedNumberTreatments ?? []) out.push(call('New-CsTeamsUnassignedNumberTreatment', { ...x }));
  return out;
}

function assignments(t: TenantData): string[] {
  const out: string[] = [];
  const users = sorted(t.users);
  for (const u of users) {
    for (const [n, category] of [
      [u.phoneNumber, undefined], [u.privateLine, 'Private'],
      ...(u.alternateLines ?? []).map((n) => [n, 'Alternate'] as const),
    ] as const) {
      if (!n) continue;
      out.push(
        call('Set-CsPhoneNumberAssignment', {
          identity: u.upn, phoneNumber: n, phoneNumberType: t.numbers[n].numberType, assignmentCategory: category,
        }),
      );
    }
  }
  for (const n of sorted(t.numbers)) {
    if (n.reverseNumberLookup)
      out.push(
        call('Set-CsPhoneNumberAssignment', { phoneNumber: n.number, reverseNumberLookup: n.reverseNumberLookup }),
      );
  }
  for (const key of GRANT_KEYS) {
    for (const u of users)
      if (u[key]) out.push(`${GRANT_CMDLET[key]} -Identity ${lit(u.upn)} -PolicyName ${lit(u[key])}`);
    const g = t.globalGrants[key];
    if (g) out.push(`${GRANT_CMDLET[key]} -Global -PolicyName ${lit(g)}`);
    const groups = (t.groupPolicyAssignments ?? []).filter((a) => a.policyType === key).sort((a, b) => a.rank - b.rank);
    for (const a of groups)
      out.push(`${GRANT_CMDLET[key]} -Group ${lit(a.group)} -PolicyName ${lit(a.policyName)} -Rank ${a.rank}`);
  }
  return out;
}

/** The YAML the script runs on: the directory, without what the script sets. */
export function directoryYaml(t: TenantData): string {
  const cfg = tenantToConfig(t);
  const keep = ['tenant', 'operators', 'numbers', 'bridge', 'lisLocations', 'groups'];
  const dir: Record<string, unknown> = Object.fromEntries(Object.entries(cfg).filter(([k]) => keep.includes(k)));
  const set = new Set<string>([...GRANT_KEYS, 'phoneNumber', 'privateLine', 'alternateLines']);
  dir.users = (cfg.users as Record<string, unknown>[] | undefined)?.map((u) =>
    Object.fromEntries(Object.entries(u).filter(([k]) => !set.has(k))),
  );
  dir.numbers = (cfg.numbers as Record<string, unknown>[] | undefined)?.map((n) =>
    Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'reverseNumberLookup')),
  );
  return `# ocroute tenant directory (ocroute export --ps1): what Teams has no cmdlet for; tenant.ps1 ` +
    `runs on it.\n${stringify(dir, { lineWidth: 0 })}`;
}

export function exportTenantPs1(t: TenantData): string {
  const header = [
    `# ${t.tenant.name}: Teams configuration as PowerShell, exported by ocroute (ocroute export --ps1).`,
    '# It runs on the directory YAML beside it (tenant, operators, numbers, users, groups).',
  ];
  return [...header, ...routing(t), ...pipeline(t), ...assignments(t)].join('\n') + '\n';
}
