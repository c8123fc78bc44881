/**
 * CDRs in Teams' own formats, from calls placed with sipp: the PSTN usage report CSV (Teams admin
 * center, "Export to Excel": its 20 columns in order, RFC 4180), and Microsoft Graph's
 * pstnCallLogRow and directRoutingLogRow (callRecords getPstnCalls / getDirectRoutingCalls).
 */
import t from 'tap';
import { startEdge } from './helpers/edge';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { buildServer } from '../src/http/server';
import { exportCdrs, PSTN_CSV_COLUMNS, tenantLookup } from '../src/cdr/teams-formats';

if (!hasSipp) console.error(`\n*** cdr-teams-formats: ${NO_SIPP}\n`);

t.test('Teams PSTN usage report CSV and Graph call log rows from ' +
  'sipp calls', { skip: hasSipp ? false : NO_SIPP }, async (t) => {
  const { port, cdrs, engine } = await startEdge(t);
  const place = async (scenario: string, keys: Record<string, string>) => {
    const r = await runSipp(scenario, port, keys, { calls: 1, rate: 10 });
    t.equal(r.successful, 1, `${scenario} ${JSON.stringify(keys)}: answered`);
  };
  await place('uac-user.xml', { to: '+14255551234', from: 'john@contoso.com' });
  await place('uac-meeting.xml', { to: '+442071234567', organizer: 'mary@contoso.com' });
  await place('uac-inbound.xml', { to: '+14255550150', caller: '+15551234567' });
  await place('uac-user.xml', { to: '+12065550123', from: 'dave@contoso.com' });
  const lookup = tenantLookup((id) => engine.tenants.get(id)?.data);
  const all = [...cdrs.groups()].flat();
  t.equal(all.length, 8, 'four calls, two CDRs each');

  const csv = exportCdrs('teams-pstn-csv', all, lookup).split('\r\n');
  t.equal(csv[0], PSTN_CSV_COLUMNS.join(','), 'the export\'s 20 columns, in Teams\' order');
  t.equal(csv.at(-1), '', 'CRLF after every record (RFC 4180)');
  const rows = csv.slice(1, -1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [PSTN_CSV_COLUMNS[i], v])));
  t.equal(rows.length, 3, 'Operator Connect calls only; the Direct Routing call is in its own report');
  t.match(rows[0], {
    UPN: 'john@contoso.com', 'User Display Name': 'John', 'Caller ID': '+14255550101', 'Call Type': 'user_out',
    'Number Type': 'user', 'Domestic/International': 'Domestic', 'Destination Dialed': 'United States',
    'Destination Number': '+14255551234', 'User Location': 'US', Capability: 'MCOEV',
    'AAD ObjectId': /^[0-9a-f-]{36}$/, 'Duration Seconds': /^\d+$/,
  });
  t.match(rows[1], {
    UPN: 'mary@contoso.com', 'Call Type': 'conf_out', 'Domestic/International': 'International',
    'Destination Dialed': 'United Kingdom', Capability: 'MCOMEETADD',
  });
  t.match(rows[2], { 'Call Type': 'user_in', 'Caller ID': '+15551234567', 'Destination Number': '+15551234567' });

  const pstn = JSON.parse(exportCdrs('graph-pstn', all, lookup));
  t.match(pstn[0], {
    '@odata.type': '#microsoft.graph.callRecords.pstnCallLogRow', userPrincipalName: 'john@contoso.com',
    callType: 'user_out', callerNumber: '+14255550101', calleeNumber: '+14255551234', operator: 'Contoso Telecom',
    callDurationSource: 'operator', destinationContext: 'Domestic', usageCountryCode: 'US',
    licenseCapability: 'MCOEV', charge: 0,
  });
  const dr = JSON.parse(exportCdrs('graph-direct-routing', all, lookup));
  t.equal(dr.length, 1);
  t.match(dr[0], {
    '@odata.type': '#microsoft.graph.callRecords.directRoutingLogRow', userPrincipalName: 'dave@contoso.com',
    callType: 'dr_out', calleeNumber: '+12065550123', successfulCall: true, finalSipCode: 200,
    trunkFullyQualifiedDomainName: /\./, failureDateTime: null,
  });

  // The same from the HTTP API (open on loopback here), and a bad format is a 400 naming the field.
  const app = buildServer(engine, { logLevel: 'silent', cdrs });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const r = await fetch(`${base}/v1/cdrs/export?format=teams-pstn-csv`);
  t.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  t.equal((await r.text()).split('\r\n').length, csv.length);
  const bad = await fetch(`${base}/v1/cdrs/export?format=xls`);
  t.equal(bad.status, 400);
  t.match(await bad.json(), { error: 'E_REQUEST', field: 'querystring.format' });
});

t.test('a failed Direct Routing call is an attempt: failureDateTime, the final SIP code and phrase', async (t) => {
  const cdr = {
    correlationId: 'c1', tenant: null, technology: 'Phone' as const, direction: 'outbound' as const, kind: 'user',
    sipCallId: 's1', from: '+14255550300', to: '+12065550123', operator: null, callerId: '+14255550300',
    start: '2026-11-24T10:00:00.000Z', answer: null, end: '2026-11-24T10:00:02.000Z', durationSec: 0,
    outcome: 'failed' as const, sipCode: 503, reason: 'Service Unavailable', user: 'dave@contoso.com',
    gateway: 'sbc1.contoso.com',
  };
  const [row] = JSON.parse(exportCdrs('graph-direct-routing', [cdr], () => ({})));
  t.match(row, {
    successfulCall: false, failureDateTime: '2026-11-24T10:00:02.000Z', endDateTime: null, finalSipCode: 503,
    finalSipCodePhrase: 'Service Unavailable',
  });
  const csv = exportCdrs('teams-pstn-csv', [{ ...cdr, gateway: undefined, reason: 'a, "quoted" reason' }], () => ({
    displayName: 'Dave, Jr.',
  }));
  t.match(csv.split('\r\n')[1], /,"Dave, Jr\.",/, 'a comma in a field is quoted (RFC 4180)');
});
