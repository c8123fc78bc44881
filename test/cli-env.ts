/** OCROUTE_* environment overrides for serve: between the settings file and the flags; bad values named. */
import t from 'tap';
import path from 'node:path';
import { applyEnv, ENV_OVERRIDES } from '../src/cli/env';
import { parseSettings } from '../src/config/settings';
import { errorOf } from './helpers/tenant';

t.test('OCROUTE_* set ports, hosts, paths and the log level; a bad value is an error naming ' +
  'the variable', async (t) => {
  const s = parseSettings('http: { port: 8080 }\n');
  applyEnv(s, {
    OCROUTE_HTTP_PORT: '18080', OCROUTE_SIP_PORT: '15060', OCROUTE_HTTP_HOST: '::1', OCROUTE_TENANT: 'routes',
    OCROUTE_STORE_FILE: '', OCROUTE_LOG_LEVEL: 'debug', OCROUTE_REDIS_URL: 'redis://127.0.0.1:6390',
  });
  t.match(s, {
    http: { port: 18080, host: '::1' },
    sip: { port: 15060 },
    store: { file: '' },
    log: { level: 'debug' },
    capacity: { url: 'redis://127.0.0.1:6390' },
  });
  t.equal(s.tenant, path.resolve('routes'));
  t.match(
    errorOf(() => applyEnv(parseSettings(''), { OCROUTE_SIP_PORT: '70000' })).message,
    /^OCROUTE_SIP_PORT=70000: a port is 0-65535$/,
  );
  t.match(
    errorOf(() => applyEnv(parseSettings(''), { OCROUTE_LOG_LEVEL: 'loud' })).message,
    /^OCROUTE_LOG_LEVEL=loud: use fatal/,
  );
  t.ok(Object.keys(ENV_OVERRIDES).every((k) => k.startsWith('OCROUTE_')));
});
