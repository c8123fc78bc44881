/** Prometheus metrics of the SIP edge: requests by method, responses by code, CDRs, calls. */
import client from 'prom-client';
import type { SipDriver } from './edge';
import type { CdrSink } from '../src/cdr/sink';
import { registerKpiMetrics } from './kpi-metrics';

const METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS']);

export function registerEdgeMetrics(register: client.Registry, edge: SipDriver, cdrs: CdrSink): void {
  const requests = new client.Counter({
    name: 'ocroute_sip_requests_total', help: 'SIP requests received by method', labelNames: ['method'] as const,
    registers: [register],
  });
  const responses = new client.Counter({
    name: 'ocroute_sip_responses_total', help: 'SIP responses sent by the method they answer and status code',
    labelNames: ['method', 'code'] as const, registers: [register],
  });
  new client.Gauge({
    name: 'ocroute_sip_active_calls',
    help: 'SIP calls in progress on the edge',
    registers: [register],
    collect() {
      this.set(edge.activeCalls);
    },
  });
  const written = new client.Counter({
    name: 'ocroute_cdrs_written_total', help: 'Call detail records written (two per call)', registers: [register],
  });
  cdrs.on('write', () => written.inc());
  registerKpiMetrics(register, cdrs);
  // Bounded labels: unknown methods are one bucket, codes are at most ~60 values.
  edge.on('request', (m) => requests.inc({ method: METHODS.has(m) ? m : 'other' }));
  edge.on('response', (c, m) => responses.inc({ method: METHODS.has(m) ? m : 'other', code: String(c) }));
  const stackErrors = new client.Counter({
    name: 'ocroute_sip_stack_errors_total',
    help: 'Messages the SIP stack failed to handle (exceptions while processing)', registers: [register],
  });
  edge.on('stackError', () => stackErrors.inc());
  // Refused before or while parsing: source, size, connections, garbage, malformed (bounded: the reason text is not a
  // label).
  const refused = new client.Counter({
    name: 'ocroute_sip_refused_total',
    help: 'Datagrams, connections and octets refused before a request was handled, by what',
    labelNames: ['what'] as const, registers: [register],
  });
  edge.on('refused', (w) => refused.inc({ what: w.startsWith('malformed') ? 'malformed' : w }));
  const stats = edge.stats;
  if (stats) {
    new client.Gauge({
      name: 'ocroute_sip_transactions',
      help: 'SIP server transactions held (each bounded by its RFC 3261 timer; an ended call keeps only its key)',
      registers: [register],
      collect() {
        this.set(stats().transactions);
      },
    });
    new client.Gauge({
      name: 'ocroute_sip_client_transactions',
      help: 'SIP client transactions held: B2BUA legs and BYEs the edge sends (an ended leg keeps only its ACK)',
      registers: [register],
      collect() {
        this.set(stats().clientTransactions);
      },
    });
    new client.Gauge({
      name: 'ocroute_sip_pending_invites',
      help: 'INVITEs received and not yet ended (their Call-IDs are in use)',
      registers: [register],
      collect() {
        this.set(stats().pendingInvites);
      },
    });
    new client.Gauge({
      name: 'ocroute_sip_dialogs',
      help: 'Confirmed SIP dialogs',
      registers: [register],
      collect() {
        this.set(stats().dialogs);
      },
    });
    if (edge.gatewayUp) {
      const up = edge.gatewayUp;
      new client.Gauge({
        name: 'ocroute_gateway_up',
        help: 'Direct Routing gateway answering SIP OPTIONS (1), or demoted after no answer (0)',
        labelNames: ['gateway'] as const,
        registers: [register],
        collect() {
          this.reset();
          for (const [g, ok] of up()) this.set({ gateway: g }, ok ? 1 : 0);
        },
      });
    }
    new client.Gauge({
      name: 'ocroute_sip_tcp_connections',
      help: 'Open SIP TCP connections',
      registers: [register],
      collect() {
        this.set(stats().connections);
      },
    });
  }
}
