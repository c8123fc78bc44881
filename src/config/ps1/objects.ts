/**
 * What the Get- cmdlets write to the pipeline: objects with the properties their reference pages
 * show, under the same names, so a script may keep them in variables, read `$x.Prop`, filter
 * them with Where-Object and pipe them into changing cmdlets. Parameters bind as for any cmdlet
 * (binder.ts); -Identity of something missing is a located error, as in Teams.
 */
import { OcrouteError } from '../../errors';
import { findDialPlan, newNormalizationRule, newTenantDialPlan, ruleAddress } from '../../tenant/dial-plans';
import { getUser } from '../../tenant/directory';
import { nameUuid, objectIdOf } from '../../tenant/identities';
import { own, type License, type TenantData, type User } from '../../tenant/types';
import type { PolicyKind } from '../../tenant/voice-routing';
import { bind, type BoundValue, type ParamSpec } from './binder';
import { S } from './cmdlet-kit';
import { wildcard } from './values';
import type { CmdletObject, Invocation } from './parser';

type Args = Record<string, BoundValue>;
interface Context {
  /** A located note, e.g. what a lookup assumed. */
  warn(message: string): void;
}
interface Producer {
  params: ParamSpec[];
  make(t: TenantData, a: Args, ctx: Context): CmdletObject[];
}

const refuse = (message: string, field = '-Identity'): never => {
  throw new OcrouteError('E_VALUE', message, { field });
};

const byIdentityOrFilter = (a: Args, objs: CmdletObject[], noun: string): CmdletObject[] => {
  const id = a.Identity as string | undefined;
  if (id !== undefined) {
    const want = id.replace(/^tag:/i, '').toLowerCase();
    const hit = objs.filter((o) => String(o.Identity).replace(/^tag:/i, '').toLowerCase() === want);
    return hit.length ? hit : refuse(`${noun} '${id}' does not exist`);
  }
  const f = a.Filter as string | undefined;
  return f === undefined ? objs : objs.filter((o) => wildcard(f).test(String(o.Identity).replace(/^tag:/i, '')));
};

const route = (t: TenantData) =>
  t.voiceRoutes.map((r) => ({
    objectType: 'OnlineVoiceRoute', Identity: r.identity, Name: r.identity, Priority: r.priority,
    NumberPattern: r.numberPattern, OnlinePstnUsages: [...r.onlinePstnUsages],
    OnlinePstnGatewayList: [...r.onlinePstnGatewayList], BridgeSourcePhoneNumber: r.bridgeSourcePhoneNumber ?? null,
    Description: r.description ?? null,
  }));

/** Per-user policies show as `Tag:Name`, the Global instance as `Global` (Get-CsOnlineVoiceRoutingPolicy). */
const policies = (t: TenantData, kind: PolicyKind, objectType: string): CmdletObject[] =>
  Object.values(t[kind]).map((p) => ({
    objectType, Identity: p.identity.toLowerCase() === 'global' ? 'Global' : `Tag:${p.identity}`,
    OnlinePstnUsages: [...p.onlinePstnUsages], Description: p.description ?? null,
  }));

/** Get-CsOnlineUser's FeatureTypes for the licenses ocroute models (the page's "commonly used" list). */
const FEATURES: Record<License, string> = {
  PhoneSystem: 'PhoneSystem', CallingPlan: 'CallingPlan', AudioConferencingStandard: 'AudioConferencing',
  OperatorConnectConferencing: 'AudioConferencing', OperatorConnectMobile: 'TeamsMobileExperience',
};

function user(t: TenantData, u: User, objectType: string): CmdletObject {
  const number = u.phoneNumber ?? u.onPremLineUri;
  return {
    objectType, Identity: u.upn, UserPrincipalName: u.upn, SipAddress: `sip:${u.upn}`, ObjectId: objectIdOf(t, u),
    DisplayName: u.displayName ?? null, Department: u.department ?? null, LineUri: number ? `tel:${number}` : null,
    PhoneNumber: number ?? null, AccountType: u.resourceAccount ? 'ResourceAccount' : 'User',
    // Teams sets it when a number is assigned (Set-CsPhoneNumberAssignment's page); ocroute keeps no flag apart.
    EnterpriseVoiceEnabled: !!number,
    FeatureTypes: [
      ...new Set(['Teams', ...u.licenses.map((l) => FEATURES[l]), ...(u.resourceAccount ? ['VoiceApp'] : [])]),
    ],
    OnlineVoiceRoutingPolicy: u.onlineVoiceRoutingPolicy ?? null, TenantDialPlan: u.tenantDialPlan ?? null,
    CallingLineIdentity: u.callingLineIdentity ?? null, UsageLocation: u.usageLocation ?? null,
  };
}

const LDAP_ATTRIBUTES: Record<string, (u: User) => string | undefined> = {
  department: (u) => u.department, displayname: (u) => u.displayName, userprincipalname: (u) => u.upn,
};

/** Get-CsUser -LdapFilter: `attribute=value` (or `(attribute=value)`), `*` wildcards, on what ocroute models. */
function ldapFilter(filter: string): (u: User) => boolean {
  const m = /^\(?\s*([A-Za-z]+)\s*=\s*([^)]*?)\s*\)?$/.exec(filter);
  if (!m) return refuse(`-LdapFilter '${filter}' is not attribute=value (the one form ocroute reads)`, '-LdapFilter');
  const read = LDAP_ATTRIBUTES[m[1].toLowerCase()];
  if (!read)
    return refuse(
      `-LdapFilter attribute '${m[1]}' is not modelled; ocroute reads ${Object.keys(LDAP_ATTRIBUTES).join(', ')}`,
      '-LdapFilter',
    );
  const re = wildcard(m[2]);
  return (u) => re.test(read(u) ?? '');
}

function users(t: TenantData, a: Args, objectType: string, only?: (u: User) => boolean): CmdletObject[] {
  if (a.Identity !== undefined) return [user(t, getUser(t, a.Identity as string), objectType)];
  return Object.values(t.users)
    .filter((u) => !only || only(u))
    .map((u) => user(t, u, objectType));
}

function numbers(t: TenantData, a: Args): CmdletObject[] {
  const status = a.PstnAssignmentStatus as string | undefined;
  const objs = Object.values(t.numbers)
    .sort((x, y) => x.number.localeCompare(y.number))
    .map((n) => {
      const holder = n.assignedTo && n.assignedTo !== 'bridge' ? own(t.users, n.assignedTo) : undefined;
      const capability =
        n.capability === 'service' ? ['ConferenceAssignment', 'VoiceApplicationAssignment'] : ['UserAssignment'];
      return {
        objectType: 'PhoneNumberAssignment',
        TelephoneNumber: n.number,
        NumberType: n.numberType,
        LocationId: n.emergencyAddress ?? null,
        AssignedPstnTargetId: holder ? objectIdOf(t, holder) : null,
        PstnAssignmentStatus: n.assignedTo
          ? holder?.resourceAccount
            ? 'VoiceApplicationAssigned'
            : 'UserAssigned'
          : 'Unassigned',
        AssignmentCategory:
          holder?.privateLine === n.number
            ? 'Private'
            : holder?.alternateLines?.includes(n.number)
              ? 'Alternate'
              : n.assignedTo
                ? 'Primary'
                : null,
        Capability: capability,
        IsoCountryCode: n.country ?? null,
        ReverseNumberLookup: n.reverseNumberLookup ? [n.reverseNumberLookup] : [],
      };
    });
  const eq = (x: unknown, y: unknown) => String(x ?? '').toLowerCase() === String(y).toLowerCase();
  return objs
    .filter((o) => a.TelephoneNumber === undefined || eq(o.TelephoneNumber, a.TelephoneNumber))
    .filter((o) => a.LocationId === undefined || eq(o.LocationId, a.LocationId))
    .filter((o) => a.NumberType === undefined || eq(o.NumberType, a.NumberType))
    .filter((o) => a.AssignedPstnTargetId === undefined || eq(o.AssignedPstnTargetId, a.AssignedPstnTargetId))
    .filter(
      (o) =>
        status === undefined || (status.toLowerCase() === 'unassigned') === (o.PstnAssignmentStatus === 'Unassigned'),
    )
    .filter((o) => a.CapabilitiesContain === undefined || o.Capability.some((c) => eq(c, a.CapabilitiesContain)))
    .filter(
      (o) =>
        a.TelephoneNumberStartsWith === undefined || o.TelephoneNumber.startsWith(String(a.TelephoneNumberStartsWith)),
    )
    .slice(Number(a.Skip ?? 0), a.Top === undefined ? undefined : Number(a.Skip ?? 0) + Number(a.Top));
}

/**
 * Get-CsOnlineLisLocation. A -City no location of this configuration has is assumed to exist
 * (the configuration may list locations without addresses): a location with a stable ID is
 * added and a warning says so, like any object a script names but does not define (assume.ts).
 */
function lisLocations(t: TenantData, a: Args, ctx: Context): CmdletObject[] {
  const all = Object.values(t.lisLocations ?? {});
  const city = a.City as string | undefined;
  let hit = all
    .filter((l) => a.LocationId === undefined || l.locationId.toLowerCase() === String(a.LocationId).toLowerCase())
    .filter((l) => city === undefined || l.city?.toLowerCase() === city.toLowerCase());
  if (!hit.length && city !== undefined && a.LocationId === undefined) {
    const loc = { locationId: nameUuid(t, `location/${city}`), city };
    t.lisLocations = { ...t.lisLocations, [loc.locationId]: loc };
    t.tenant.locations = [...new Set([...(t.tenant.locations ?? []), loc.locationId])];
    ctx.warn(
      `no emergency location in this configuration has City '${city}'; ` +
        `assumed one exists: ${loc.locationId} (list it under lisLocations:)`,
    );
    hit = [loc];
  }
  return hit.map((l) => ({
    objectType: 'LisLocation', LocationId: l.locationId, City: l.city ?? null, Description: l.description ?? null,
    CountryOrRegion: l.countryOrRegion ?? null,
  }));
}

/** Get-CsOnlinePSTNGateway: the page's properties (Identity is the FQDN). */
const gateways = (t: TenantData): CmdletObject[] =>
  Object.values(t.gateways ?? {}).map((g) => ({
    objectType: 'OnlinePSTNGateway', Identity: g.identity, Fqdn: g.identity, SipSignalingPort: g.sipSignalingPort,
    Enabled: g.enabled, FailoverTimeSeconds: g.failoverTimeSeconds, FailoverResponseCodes: g.failoverResponseCodes,
    MaxConcurrentSessions: g.maxConcurrentSessions ?? null, SendSipOptions: g.sendSipOptions,
    ForwardPai: g.forwardPai, ForwardCallHistory: g.forwardCallHistory, Description: g.description ?? null,
    InboundTeamsNumberTranslationRules: [...(g.inboundTeamsNumberTranslationRules ?? [])],
    InboundPstnNumberTranslationRules: [...(g.inboundPstnNumberTranslationRules ?? [])],
    OutboundTeamsNumberTranslationRules: [...(g.outboundTeamsNumberTranslationRules ?? [])],
    OutboundPstnNumberTranslationRules: [...(g.outboundPstnNumberTranslationRules ?? [])],
  }));

const translationRules = (t: TenantData): CmdletObject[] =>
  Object.values(t.translationRules ?? {}).map((r) => ({
    objectType: 'TeamsTranslationRule', Identity: r.identity, Pattern: r.pattern, Translation: r.translation,
    Description: r.description ?? null,
  }));

const rule = (r: { name: string }) => ({ objectType: 'VoiceNormalizationRule', ...r, Name: r.name });
const ID: ParamSpec = { name: 'Identity', type: 'string', position: 0 };
const ID_FILTER = [ID, S('Filter')];

const PRODUCERS: Record<string, Producer> = {
  'get-csonlinevoiceroute': { params: ID_FILTER, make: (t, a) => byIdentityOrFilter(a, route(t), 'voice route') },
  'get-csonlinevoiceroutingpolicy': {
    params: ID_FILTER,
    make: (t, a) =>
      byIdentityOrFilter(a, policies(t, 'onlineVoiceRoutingPolicies', 'OnlineVoiceRoutingPolicy'), 'policy'),
  },
  'get-csonlineaudioconferencingroutingpolicy': {
    params: ID_FILTER,
    make: (t, a) =>
      byIdentityOrFilter(
        a, policies(t, 'audioConferencingRoutingPolicies', 'OnlineAudioConferencingRoutingPolicy'), 'policy',
      ),
  },
  // -Filter is the interpreter's (filter.ts): an expression over each user, as Where-Object runs.
  'get-csonlineuser': {
    params: [ID, S('AccountType', { values: ['User', 'ResourceAccount', 'Guest', 'SfBOnPremUser', 'IneligibleUser'] })],
    make: (t, a) =>
      users(t, a, 'OnlineUser', a.AccountType === undefined ? undefined
        : (u) => (u.resourceAccount ? 'ResourceAccount' : 'User') === a.AccountType),
  },
  'get-csuser': {
    params: [ID, S('LdapFilter')],
    make: (t, a) => users(t, a, 'User', a.LdapFilter === undefined ? undefined : ldapFilter(a.LdapFilter as string)),
  },
  'get-csonlineapplicationinstance': {
    params: [ID],
    make: (t, a) => users(t, a, 'OnlineApplicationInstance', (u) => !!u.resourceAccount),
  },
  'get-csphonenumberassignment': {
    params: [
      S('TelephoneNumber'), S('LocationId'), S('NumberType'), S('PstnAssignmentStatus'), S('CapabilitiesContain'),
      S('AssignedPstnTargetId'), S('TelephoneNumberStartsWith'), { name: 'Top', type: 'int' },
      { name: 'Skip', type: 'int' },
    ],
    make: numbers,
  },
  'get-csonlinelislocation': { params: [S('LocationId'), S('City')], make: lisLocations },
  'get-csonlinepstnusage': {
    params: [ID],
    make: (t) => [{ objectType: 'OnlinePstnUsage', Identity: 'Global', Usage: [...t.pstnUsages] }],
  },
  'get-cstenantdialplan': {
    params: [ID],
    make: (t, a) => {
      const id = (a.Identity as string | undefined) ?? 'Global';
      const p = findDialPlan(t, id) ?? refuse(`tenant dial plan '${id}' does not exist`);
      return [
        { objectType: 'TenantDialPlan', Identity: p.identity, NormalizationRules: p.normalizationRules.map(rule) },
      ];
    },
  },
  'get-csvoicenormalizationrule': { params: [ID], make: normalizationRule },
  'get-csonlinepstngateway': {
    params: ID_FILTER, make: (t, a) => byIdentityOrFilter(a, gateways(t), 'online PSTN gateway'),
  },
  'get-csteamstranslationrule': {
    params: ID_FILTER, make: (t, a) => byIdentityOrFilter(a, translationRules(t), 'translation rule'),
  },
};

/**
 * Get-CsVoiceNormalizationRule -Identity Plan/Rule. A rule this configuration lacks (Set-CsTenantDialPlan
 * example 1 reads "US/US Long Distance") is assumed, with the documented defaults of
 * New-CsVoiceNormalizationRule (Pattern ^(\d{11})$, Translation +$1), and a warning says so.
 */
function normalizationRule(t: TenantData, a: Args, ctx: Context): CmdletObject[] {
  const id = (a.Identity as string | undefined) ?? refuse('Get-CsVoiceNormalizationRule needs -Identity <plan>/<rule>');
  const { parent, name } = ruleAddress({ identity: id });
  const found = findDialPlan(t, parent)?.normalizationRules.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (found) return [rule(found)];
  if (!findDialPlan(t, parent)) newTenantDialPlan(t, { identity: parent });
  const made = newNormalizationRule(t, { parent, name });
  ctx.warn(`normalization rule '${id}' is not in this configuration; assumed to exist with the defaults ` +
    `New-CsVoiceNormalizationRule gives it (Pattern '${made.pattern}', Translation '${made.translation}')`);
  return [rule(made)];
}

/** The Get- cmdlets whose objects ocroute models, as error messages name them. */
export const MODELLED =
  'Get-CsOnlineVoiceRoute, Get-CsOnline*RoutingPolicy, Get-CsOnlineUser, Get-CsUser, ' +
  'Get-CsOnlineApplicationInstance, Get-CsPhoneNumberAssignment, Get-CsOnlineLisLocation, Get-CsOnlinePSTNGateway, ' +
  'Get-CsTeamsTranslationRule and the dial plan Get- cmdlets';

/** Whether `cmdlet` is a Get- cmdlet that writes objects ocroute models. */
export const producesObjects = (cmdlet: string): boolean => Object.hasOwn(PRODUCERS, cmdlet.toLowerCase());

/** The objects `inv` (a Get- cmdlet) writes to the pipeline. */
export function produce(t: TenantData, inv: Invocation, ctx: Context, file?: string): CmdletObject[] {
  const p = PRODUCERS[inv.cmdlet.toLowerCase()];
  const bound = bind(inv, p.params, file);
  return p.make(t, bound.values, ctx);
}
