/**
 * Prometheus metrics (prom-client). Names follow the conventions: `ocroute_` prefix, `_total`
 * counters, `_seconds` durations; labels are bounded sets (outcome, kind, operator), never a
 * phone number.
 */
import client from 'prom-client';
import type { Engine } from './engine';
import { VERSION } from '../package';
import type { CallManager } from './calls';
import { GatewaySessions } from './gateway-sessions';
import { decisionCounter, TallyHistogram } from './decision-metrics';

export function createMetrics(engine: Engine, calls?: CallManager, register: client.Registry = new client.Registry()) {
  // Standard names (process_cpu_seconds_total ...), so stock dashboards and alerts match.
  client.collectDefaultMetrics({ register });
  // prom-client also exports these gauges with a counter's _total suffix, which promtool flags;
  // nodejs_active_handles / _requests / _resources carry the same values (by type).
  for (const n of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    if (register.getSingleMetric(n)) register.removeSingleMetric(n);
  }
  const decisions = decisionCounter(register, 'Routing decisions by outcome, call kind, operator and voice route ' +
    '(route values are bounded by the tenant\'s route list)');
  const latency = new TallyHistogram(
    'ocroute_decision_duration_seconds', 'Time to decide one call', 'kind',
    [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2], register,
  );
  const reloads = new client.Counter({
    name: 'ocroute_config_reloads_total', help: 'Configuration reloads by result',
    labelNames: ['result'] as const, registers: [register],
  });
  const version = new client.Gauge({ name: 'ocroute_config_version', help: 'Version of the routing ' +
    'snapshot in use', registers: [register] });
  const routes = new client.Gauge({ name: 'ocroute_voice_routes', help: 'Voice routes in the routing snapshots in ' +
    'use, all tenants', registers: [register] });
  const tenants = new client.Gauge({ name: 'ocroute_tenants', help: 'Tenants this service ' +
    'routes for', registers: [register] });
  new client.Gauge({
    name: 'ocroute_build_info', help: 'The ocroute build: version and Node.js version (always 1)',
    labelNames: ['version', 'nodejs'] as const, registers: [register],
  }).set({ version: VERSION, nodejs: process.versions.node }, 1);
  const setSnapshot = () => {
    let latest = 0;
    let n = 0;
    for (const s of engine.tenants.snapshots()) {
      latest = Math.max(latest, s.version);
      n += s.data.voiceRoutes.length;
    }
    version.set(latest);
    routes.set(n);
    tenants.set(engine.tenants.size);
  };
  // No tenant label, and with many tenants only the default tenant's routes are named: label
  // values stay bounded by one tenant's route list whatever the number of tenants.
  const routeLabel = (route: string | null, tenant: string | null | undefined): string => {
    if (!route) return 'none';
    return engine.tenants.size < 2 || tenant?.toLowerCase() === engine.tenants.defaultId ? route : 'other-tenant';
  };
  setSnapshot();
  engine.on('decision', (d, seconds) => {
    decisions.add(d.outcome, d.kind, d.operator ?? 'none', routeLabel(d.route, d.tenant));
    latency.observe(d.kind, seconds);
  });
  const batchChunks = new client.Histogram({
    name: 'ocroute_batch_chunk_duration_seconds', help: 'Time a worker took to route one batch chunk (its decisions ' +
      'are in ocroute_decisions_total)',
    buckets: [1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.5, 1, 5], registers: [register],
  });
  engine.on('batch', (tally, _count, seconds) => {
    for (const [key, n] of Object.entries(tally)) {
      const [outcome, kind, operator, route, tenant] = key.split('\u0000');
      decisions.add(outcome, kind, operator, routeLabel(route === 'none' ? null : route, tenant), n);
    }
    batchChunks.observe(seconds);
  });
  engine.on('reload', (r) => {
    reloads.inc({ result: r.ok ? 'success' : 'failure' });
    if (r.ok) setSnapshot();
  });
  engine.on('removed', setSnapshot);
  if (calls) {
    const refusals = new client.Counter({
      name: 'ocroute_capacity_refusals_total', help: 'Calls refused for capacity, by number type and reason',
      labelNames: ['capability', 'reason'] as const, registers: [register],
    });
    const active = new client.Gauge({
      name: 'ocroute_active_calls', help: 'Calls holding capacity slots, by kind',
      labelNames: ['kind'] as const, registers: [register],
    });
    // Read from the limiter, so a lease that ran out (a lost hang-up) leaves the gauge too.
    new client.Gauge({
      name: 'ocroute_capacity_slots_in_use', help: 'Capacity slots held by calls in progress, by number type',
      labelNames: ['capability'] as const, registers: [register],
      collect() {
        const held = calls.limiter.heldByCapability();
        for (const c of ['user', 'service', 'mobile'] as const) this.set({ capability: c }, held[c] ?? 0);
      },
    });
    calls.on('refused', (r) => refusals.inc({ capability: r.capability ?? 'unknown', reason: r.reason }));
    calls.on('started', (d) => active.inc({ kind: d.kind }));
    calls.on('ended', (d) => active.dec({ kind: d.kind }));
    // Gateways are few per tenant, so a gateway label stays bounded.
    const gw = new GatewaySessions(engine, calls);
    new client.Gauge({
      name: 'ocroute_gateway_sessions', help: 'Direct Routing calls in progress per gateway (the decision\'s ' +
        'first gateway)',
      labelNames: ['gateway'] as const, registers: [register],
      collect() { this.reset(); for (const [g, n] of gw.sessions) this.set({ gateway: g }, n); },
    });
    // With ocroute_gateway_sessions, what the 90% alert rule compares (deploy/prometheus-rules.yml).
    new client.Gauge({
      name: 'ocroute_gateway_max_sessions', help: 'Each Direct Routing gateway\'s MaxConcurrentSessions ' +
        '(New-CsOnlinePSTNGateway), where set',
      labelNames: ['gateway'] as const, registers: [register],
      collect() {
        this.reset();
        for (const s of engine.tenants.snapshots()) {
          for (const [fqdn, g] of Object.entries(s.data.gateways ?? {}))
            if (g.maxConcurrentSessions) this.set({ gateway: fqdn }, g.maxConcurrentSessions);
        }
      },
    });
    const alerts = new client.Counter({
      name: 'ocroute_gateway_session_alerts_total', help: 'Times a gateway reached 90% of its MaxConcurrentSessions ' +
        '(an alert, not a cap)',
      labelNames: ['gateway'] as const, registers: [register],
    });
    gw.on('alert', (a) => alerts.inc({ gateway: a.gateway }));
  }
  return { register, decisions: decisions.counter, latency, reloads };
}
