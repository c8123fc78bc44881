/**
 * Outbound stage 5 (Direct Routing): each gateway's translation rules rewrite the numbers it is
 * sent (New-CsTeamsTranslationRule, Set-CsOnlinePSTNGateway -OutboundPstnNumberTranslationRules
 * for the called number, -OutboundTeamsNumberTranslationRules for the caller's). In a list the
 * first rule whose pattern matches applies. Per gateway, since failover may use several. Pure.
 */
import RE2 from 're2';
import { own, type TenantData } from '../tenant/types';
import { translate, translator, type Translator } from './dial-plan';
import type { Call, Decision } from './types';

export interface CompiledRule {
  match: RE2;
  translator: Translator;
}

export function compileTranslations(data: TenantData): ReadonlyMap<string, CompiledRule> {
  return new Map(
    Object.values(data.translationRules ?? {}).map((r) => [
      r.identity,
      { match: new RE2(r.pattern), translator: translator(r.pattern, r.translation) },
    ]),
  );
}

/** The first rule of `list` that matches `n`, applied; `n` itself when none does. */
export function applyRules(
  rules: ReadonlyMap<string, CompiledRule>, list: string[] | undefined, n: string,
): { out: string; rule?: string } {
  for (const id of list ?? []) {
    const r = rules.get(id);
    if (r?.match.test(n)) return { out: translate(r.translator, n), rule: id };
  }
  return { out: n };
}

/** Give each gateway attempt of `d` the called and calling numbers its rules make. */
export function translateForGateways(rules: ReadonlyMap<string, CompiledRule>, data: TenantData, d: Decision): void {
  if (!d.gateways || !rules.size) return;
  for (const a of d.gateways) {
    const g = data.gateways ? own(data.gateways, a.fqdn.toLowerCase()) : undefined;
    if (!g) continue;
    const to = applyRules(rules, g.outboundPstnNumberTranslationRules, d.to);
    if (to.rule) a.to = to.out;
    if (d.callerId && d.callerId !== 'anonymous') {
      const from = applyRules(rules, g.outboundTeamsNumberTranslationRules, d.callerId);
      if (from.rule) a.from = from.out;
    }
    if (d.trace && (a.to || a.from)) {
      d.trace.push({
        result: 'info',
        why: `gateway ${a.fqdn}: translation rules send ${a.from ?? d.callerId} -> ${a.to ?? d.to}`,
      });
    }
  }
}

/** Test-CsTeamsTranslationRule -PhoneNumber: every rule that matches, with what it makes of the number. */
export function testTranslationRules(
  rules: ReadonlyMap<string, CompiledRule>, data: TenantData, phoneNumber: string,
): Array<{ identity: string; pattern: string; translation: string; translatedNumber: string }> {
  const out = [];
  for (const r of Object.values(data.translationRules ?? {}).sort((a, b) => a.identity.localeCompare(b.identity))) {
    const c = rules.get(r.identity);
    if (c?.match.test(phoneNumber)) {
      out.push({
        identity: r.identity, pattern: r.pattern, translation: r.translation,
        translatedNumber: translate(c.translator, phoneNumber),
      });
    }
  }
  return out;
}

/**
 * Inbound via a gateway: -InboundTeamsNumberTranslationRules rewrite the called number and
 * -InboundPstnNumberTranslationRules the caller's, before Teams looks the number up.
 */
export function translateInbound(
  rules: ReadonlyMap<string, CompiledRule>, data: TenantData, call: Call, d: Decision,
): Call {
  const g = data.gateways ? own(data.gateways, call.gateway!.toLowerCase()) : undefined;
  if (!g || !rules.size) return call;
  const to = applyRules(rules, g.inboundTeamsNumberTranslationRules, call.to);
  const from = call.from ? applyRules(rules, g.inboundPstnNumberTranslationRules, call.from) : { out: call.from };
  if (!to.rule && !('rule' in from && from.rule)) return call;
  if (d.trace)
    d.trace.push({
      result: 'info',
      why: `gateway ${g.identity}: inbound translation ` +
        `rules make ${call.from ?? '?'} -> ${call.to} into ${from.out ?? '?'} -> ${to.out}`,
    });
  return { ...call, to: to.out, from: from.out };
}
