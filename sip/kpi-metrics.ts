/**
 * Telecom KPIs ops already watch (Kamailio and drachtio exporters, Teams' Direct Routing health
 * dashboard), from each call's PSTN-leg CDR: post-dial delay and answer time, and the inputs of
 * the network effectiveness ratio (ITU-T E.411: answered + user busy + no answer + terminal
 * rejection, over attempts) per operator and per gateway.
 */
import client from 'prom-client';
import type { Cdr, CdrSink } from '../src/cdr/sink';

/** A call's result as E.411 counts it. Cancelled (the caller hung up first) is counted apart. */
export function nerResult(c: Cdr): string {
  if (c.outcome === 'answered') return 'answered';
  if (c.outcome === 'busy' || c.sipCode === 486 || c.sipCode === 600) return 'user_busy';
  if (c.outcome === 'noAnswer' || c.sipCode === 408 || c.sipCode === 480) return 'no_answer';
  if (c.outcome === 'cancelled' || c.sipCode === 487) return 'cancelled';
  // The network reached a decision about the number: it does not exist, is barred, or incomplete.
  if ([403, 404, 410, 484, 603, 604].includes(c.sipCode)) return 'terminal_reject';
  return 'network_failure';
}

const seconds = (a: string, b: string) => Math.max(0, (Date.parse(b) - Date.parse(a)) / 1000);

export function registerKpiMetrics(register: client.Registry, cdrs: CdrSink): void {
  const pdd = new client.Histogram({
    name: 'ocroute_sip_pdd_seconds',
    help: 'Post-dial delay: INVITE received to the first 180/183 (or the final answer when none)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10], registers: [register],
  });
  const answer = new client.Histogram({
    name: 'ocroute_sip_answer_seconds', help: 'Answer time of answered calls: INVITE received to the 200 OK',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60], registers: [register],
  });
  const attempts = new client.Counter({
    name: 'ocroute_call_attempts_total',
    help: 'Call attempts by result (NER = answered + user_busy + no_answer + terminal_reject over all), per operator ' +
      'and Direct Routing gateway',
    labelNames: ['operator', 'gateway', 'result'] as const,
    registers: [register],
  });
  cdrs.on('write', (c) => {
    if (c.technology !== 'Phone') return; // one per call
    pdd.observe(seconds(c.start, c.ringing ?? c.answer ?? c.end));
    if (c.answer) answer.observe(seconds(c.start, c.answer));
    attempts.inc({ operator: c.operator ?? 'none', gateway: c.gateway ?? 'none', result: nerResult(c) });
  });
}
