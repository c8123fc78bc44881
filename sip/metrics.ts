/** Prometheus metrics of the SIP edge: requests by method, responses by code, CDRs, calls. */
import client from 'prom-client';
import type { SipDriver } from './edge';
import type { CdrSink } from '../src/cdr/sink';

const METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS']);

export function registerEdgeMetrics(register: client.Registry, edge: SipDriver, cdrs: CdrSink): void {
  const requests = new client.Counter({ name: 'ocroute_sip_requests_total', help: 'SIP requests received by method', labelNames: ['method'] as const, registers: [register] });
  const responses = new client.Counter({ name: 'ocroute_sip_responses_total', help: 'SIP responses sent by status code', labelNames: ['code'] as const, registers: [register] });
  new client.Gauge({ name: 'ocroute_sip_active_calls', help: 'SIP calls in progress on the edge', registers: [register], collect() { this.set(edge.activeCalls); } });
  const written = new client.Counter({ name: 'ocroute_cdrs_written_total', help: 'Call detail records written (two per call)', registers: [register] });
  cdrs.on('write', () => written.inc());
  // Bounded labels: unknown methods are one bucket, codes are at most ~60 values.
  edge.on('request', (m) => requests.inc({ method: METHODS.has(m) ? m : 'other' }));
  edge.on('response', (c) => responses.inc({ code: String(c) }));
  const stackErrors = new client.Counter({ name: 'ocroute_sip_stack_errors_total', help: 'Messages the SIP stack failed to handle (exceptions while processing)', registers: [register] });
  edge.on('stackError', () => stackErrors.inc());
}
