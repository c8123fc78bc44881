/** The benchmark tenant: one conferencing bridge, an organizer and n voice routes (shared by core, pool, scale). */
import { emptyTenant, type PhoneNumber, type TenantData, type User } from '../src/tenant/types';
import { addBridgeNumber } from '../src/tenant/bridge';
import * as dp from '../src/tenant/dial-plans';
import * as dir from '../src/tenant/directory';
import * as vr from '../src/tenant/voice-routing';
import { rng } from './util';

/** A realistic mix: NANP area codes, alternations, country catch-alls, and \d+ last. */
export function buildTenant(n: number): { t: TenantData; patterns: string[] } {
  const t = emptyTenant({ id: '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66', name: 'bench' });
  dir.enableOperator(t, {
    name: 'Op', countries: ['US'], services: ['Calling', 'Conferencing'], dataTransferNoticeAccepted: true,
  });
  dir.uploadNumber(t, { number: '+14255550100', operator: 'Op', capability: 'service' });
  addBridgeNumber(t, '+14255550100');
  dir.addUser(t, { upn: 'org@bench.test', licenses: ['PhoneSystem', 'OperatorConnectConferencing'] });
  vr.setPstnUsages(t, ['U']);
  const patterns: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    const npa = 200 + (i % 800);
    const cc = 30 + Math.floor(i / 800);
    patterns.push(
      i % 4 === 0
        ? `^\\+1${npa}\\d{7}$`
        : i % 4 === 1
          ? `^\\+1(${npa}|${npa}9)(\\d{6,7})$`
          : i % 4 === 2
            ? `^\\+${cc}${npa}\\d{5,8}$`
            : `^\\+${cc}(${npa}|${npa + 1})\\d+$`,
    );
  }
  patterns.push('\\d+');
  // Insert in order so Priority == index (plain push is O(n); newVoiceRoute's splice is fine once).
  patterns.forEach((p, i) =>
    vr.newVoiceRoute(t, {
      identity: `r${i}`, numberPattern: p, onlinePstnUsages: ['U'], bridgeSourcePhoneNumber: '+14255550100',
    }),
  );
  vr.newUsagePolicy(t, 'audioConferencingRoutingPolicies', { identity: 'P', onlinePstnUsages: ['U'] });
  vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', { global: true }, 'P');
  return { t, patterns };
}

export function dialed(kind: 'uniform' | 'skewed', count: number): string[] {
  const r = rng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const hot = kind === 'skewed' && r() < 0.9;
    const npa = hot ? 200 + Math.floor(r() * 10) : 200 + Math.floor(r() * 800);
    const pre = r() < 0.5 ? `+1${npa}` : `+${30 + Math.floor(r() * 13)}${npa}`;
    out.push(pre + String(Math.floor(r() * 1e7)).padStart(7, '0'));
  }
  return out;
}

/**
 * A caller with an Operator Connect number and a 50-rule tenant dial plan (the documented
 * maximum): 49 rules for short codes and prefixes nobody dials here, then `^(\d{10})$` -> `+1$1`,
 * so a 10-digit national number is normalized by the last rule (the worst case for first-match).
 */
export function addDialPlanCaller(t: TenantData, rules = 50): void {
  dir.uploadNumber(t, { number: '+14255550101', operator: 'Op', capability: 'user' });
  dir.addUser(t, { upn: 'caller@bench.test', licenses: ['PhoneSystem'] });
  dir.assignNumber(t, 'caller@bench.test', '+14255550101');
  dp.newTenantDialPlan(t, { identity: 'Bench' });
  for (let i = 0; i < rules - 1; i++) {
    dp.newNormalizationRule(t, {
      parent: 'Bench', name: `r${i}`, pattern: i % 2 ? `^9${i}(\\d{4})$` : `^(${100 + i})$`,
      translation: i % 2 ? '+14255$1' : '+1425555$1',
    });
  }
  dp.newNormalizationRule(t, { parent: 'Bench', name: 'national', pattern: '^(\\d{10})$', translation: '+1$1' });
  dp.grantTenantDialPlan(t, { identity: 'caller@bench.test' }, 'Bench');
}

/**
 * The scale tenant (issue 18): buildTenant's routes, `numbers` Operator Connect numbers
 * (+12000000000 up), the first `users` of them assigned to u<i>@bench.test, and a long history
 * of `users` meeting invites. Valid by construction (the rules are tested elsewhere); built
 * directly to keep set-up short.
 */
export function scaleTenant(numbers: number, users: number, routes: number): TenantData {
  const t = buildTenant(routes).t;
  for (let i = 0; i < numbers; i++) {
    const number = `+1${2000000000 + i}`;
    const pn: PhoneNumber = {
      number, numberType: 'OperatorConnect', capability: 'user', country: 'US', operator: 'Op',
    };
    t.numbers[number] = pn;
  }
  for (let i = 0; i < users; i++) {
    const upn = `u${i}@bench.test`;
    const u: User = { upn, licenses: ['PhoneSystem'], phoneNumber: `+1${2000000000 + i}` };
    t.users[upn] = u;
    t.numbers[u.phoneNumber!].assignedTo = upn;
  }
  // A long history: meeting invites (each admin command once cloned them all).
  t.invites = {};
  for (let i = 0; i < users; i++) {
    const id = `inv${i}`;
    t.invites[id] = {
      id, organizer: 'org@bench.test', createdAt: 1_700_000_000_000 + i,
      dialIn: { defaultNumber: '+14255550100', conferenceId: String(100000 + i) },
    };
  }
  return t;
}
