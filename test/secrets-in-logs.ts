/**
 * Secrets never appear in logs (issue 8). The real service runs at debug level (its most
 * verbose) with a password-protected Redis and an admin token; traffic carries every kind of
 * credential a client might send (good and bad bearer tokens, Basic auth, SIP digest headers),
 * Redis goes away and comes back, and the admin CLI fails with a wrong token. Then no log line
 * or CLI output contains any of the secrets, while the logs did record that traffic.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startService } from './helpers/service';
import { hasRedis, NO_REDIS, startRedis } from './helpers/redis';
import { ack, inDialog, invite, startUac } from './helpers/uac';
import { sha256 } from '../src/http/auth';

const TENANT = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';
const SECRETS = {
  token: 'tok-3b9f0c1e7a2d4f6e8c5b1a9d', wrongToken: 'tok-near-miss-3b9f0c1e7a2d4f6e',
  redisPassword: 'redis-pw-Zq8xK2mV7pLw', basic: 'basic-pw-Ht5rN3cY', sipDigest: 'sip-digest-R9vB2nQ6',
};

t.test('no secret reaches the logs or the CLI output', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const redis = await startRedis(t, SECRETS.redisPassword);
  const svc = await startService(t, {
    logLevel: 'debug',
    top: [
      `capacity: { backend: redis, url: "${redis.url}", onUnavailable: fail-closed }`,
      `auth: { tokens: [ { name: test-admin, role: ` +
        `tenantAdmin, tenant: ${TENANT}, sha256: ${sha256(SECRETS.token)} } ] }`,
    ].join('\n'),
  });
  const admin = (token: string, method = 'GET', url = `/v1/tenants/${TENANT}`, body?: object) =>
    fetch(`${svc.base}${url}`, {
      method, headers: { authorization: token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });

  t.equal((await admin(`Bearer ${SECRETS.token}`)).status, 200, 'the good token works');
  t.equal((await admin(`Bearer ${SECRETS.wrongToken}`)).status, 401, 'a near miss does not');
  t.equal((await admin(`Basic ${Buffer.from(`admin:${SECRETS.basic}`).toString('base64')}`)).status, 401);
  t.equal(
    
    (await admin(`Bearer ${SECRETS.token}`, 'PUT', `/v1/tenants/${TENANT}/numbers/+14255550177/assignment`, {})).status,
    400, 'a bad body with a good token',
  );

  const uac = await startUac(t, (rq, stack) => {
    if (rq.method === 'BYE') stack.send({ ...rq, status: 200, reason: 'OK', method: undefined } as never);
  });
  const creds = {
    authorization: `Digest username="john", realm="ocroute", nonce="n1", uri="sip:x", response="${SECRETS.sipDigest}"`,
    'proxy-authorization': `Digest username="john", response="${SECRETS.sipDigest}"`,
  };
  const call = () =>
    invite(uac.stack, svc.sipPort, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port, headers: creds });
  const r = await call();
  t.equal(r.final.status, 200, 'a call with credentials in its headers');
  ack(uac.stack, r.request, r.final);
  await inDialog(uac.stack, 'BYE', r.request, r.final);

  await redis.stop();
  t.equal((await call()).final.status, 503, 'Redis gone: the call is refused (fail-closed), which is logged');
  await redis.start();

  const cli = spawnSync(
    process.execPath,
    [
      path.join(__dirname, '..', 'bin', 'ocroute.js'), 'get', '--tenant', TENANT, '--url', svc.base, '--token',
      SECRETS.wrongToken,
    ],
    { encoding: 'utf8' },
  );
  t.equal(cli.status, 5, 'the CLI reports the refusal');
  t.match(cli.stderr, /401/);

  await new Promise((res) => setTimeout(res, 200)); // let the child flush its log lines
  const lines = svc.log().split('\n').filter(Boolean);
  t.ok(lines.length >= 10, `the service logged the traffic (${lines.length} lines)`);
  t.ok(lines.some((l) => l.includes('"msg":"call routed"')), 'debug lines are there');
  t.ok(lines.some((l) => l.includes('"statusCode":401')), 'the refused requests are there');
  for (const [what, secret] of Object.entries(SECRETS)) {
    for (const [where, text] of [['service log', svc.log()], ['CLI output', cli.stdout + cli.stderr]]) {
      t.notOk(text.includes(secret), `${what} is not in the ${where}`);
    }
  }
  t.notOk(svc.log().includes(sha256(SECRETS.token)), 'nor is the token digest');
  t.notOk(svc.log().includes(Buffer.from(`admin:${SECRETS.basic}`).toString('base64')), 'nor the Basic credentials, ' +
    'encoded');
});
