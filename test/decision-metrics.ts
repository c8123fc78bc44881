import t from 'tap';
import client from 'prom-client';
import { decisionCounter, TallyHistogram } from '../src/service/decision-metrics';

const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));

t.test('ocroute_decisions_total: tallies reach the counter when scraped, once (Prometheus counters)', async (t) => {
  const register = new client.Registry();
  const { add } = decisionCounter(register, 'decisions');
  add('operator', 'meeting', 'Infobip', 'International');
  add('operator', 'meeting', 'Infobip', 'International');
  add('rejected', 'inbound', 'none', 'none', 5);
  const first = await register.metrics();
  t.same(lines(first, 'ocroute_decisions_total'), [
    'ocroute_decisions_total{outcome="operator",kind="meeting",operator="Infobip",route="International"} 2',
    'ocroute_decisions_total{outcome="rejected",kind="inbound",operator="none",route="none"} 5',
  ]);
  t.equal(await register.metrics(), first, 'a second scrape counts nothing twice');
  add('operator', 'meeting', 'Infobip', 'International');
  t.match(await register.metrics(), /route="International"\} 3$/m, 'later decisions add on');
});

t.test('TallyHistogram: cumulative le buckets, +Inf, _sum, _count per label (Prometheus exposition)', async (t) => {
  const register = new client.Registry();
  const h = new TallyHistogram('x_seconds', 'help', 'kind', [0.001, 0.01], register);
  h.observe('user', 0.001); // on a bound: le is inclusive
  h.observe('user', 0.005);
  h.observe('user', 5); // above every bound: +Inf only
  h.observe('meeting', 0.0001);
  const text = await register.metrics();
  t.same(lines(text, 'x_seconds'), [
    'x_seconds_bucket{kind="user",le="0.001"} 1',
    'x_seconds_bucket{kind="user",le="0.01"} 2',
    'x_seconds_bucket{kind="user",le="+Inf"} 3',
    'x_seconds_sum{kind="user"} 5.006',
    'x_seconds_count{kind="user"} 3',
    'x_seconds_bucket{kind="meeting",le="0.001"} 1',
    'x_seconds_bucket{kind="meeting",le="0.01"} 1',
    'x_seconds_bucket{kind="meeting",le="+Inf"} 1',
    'x_seconds_sum{kind="meeting"} 0.0001',
    'x_seconds_count{kind="meeting"} 1',
  ]);
  t.match(text, /^# TYPE x_seconds histogram$/m);
  t.same((await register.getMetricsAsJSON())[0].values.length, 10, 'JSON export too');
  register.resetMetrics();
  t.same(lines(await register.metrics(), 'x_seconds'), [], 'reset empties it');
});
