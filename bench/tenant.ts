/** The benchmark tenant: one conferencing bridge, an organizer and n voice routes (shared by core, pool, scale). */
import { emptyTenant, type TenantData } from '../src/tenant/types';
import { addBridgeNumber } from '../src/tenant/bridge';
import * as dir from '../src/tenant/directory';
import * as vr from '../src/tenant/voice-routing';
import { rng } from './util';

/** A realistic mix: NANP area codes, alternations, country catch-alls, and \d+ last. */
export function buildTenant(n: number): { t: TenantData; patterns: string[] } {
  const t = emptyTenant({ id: '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66', name: 'bench' });
  dir.enableOperator(t, { name: 'Op', countries: ['US'], services: ['Calling', 'Conferencing'], dataTransferNoticeAccepted: true });
  dir.uploadNumber(t, { number: '+14255550100', operator: 'Op', capability: 'service' });
  addBridgeNumber(t, '+14255550100');
  dir.addUser(t, { upn: 'org@bench.test', licenses: ['PhoneSystem', 'OperatorConnectConferencing'] });
  vr.setPstnUsages(t, ['U']);
  const patterns: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    const npa = 200 + (i % 800);
    const cc = 30 + Math.floor(i / 800);
    patterns.push(i % 4 === 0 ? `^\\+1${npa}\\d{7}$` : i % 4 === 1 ? `^\\+1(${npa}|${npa}9)(\\d{6,7})$` : i % 4 === 2 ? `^\\+${cc}${npa}\\d{5,8}$` : `^\\+${cc}(${npa}|${npa + 1})\\d+$`);
  }
  patterns.push('\\d+');
  // Insert in order so Priority == index (plain push is O(n); newVoiceRoute's splice is fine once).
  patterns.forEach((p, i) => vr.newVoiceRoute(t, { identity: `r${i}`, numberPattern: p, onlinePstnUsages: ['U'], bridgeSourcePhoneNumber: '+14255550100' }));
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

