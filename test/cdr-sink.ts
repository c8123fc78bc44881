import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CdrSink, readCdrFile, type Cdr } from '../src/cdr/sink';

const cdr = (i: number): Cdr => ({
  correlationId: `c${i >> 1}`, tenant: 't', technology: i % 2 ? 'Phone' : 'Operator Connect', direction: 'outbound',
  kind: 'meeting', sipCallId: `s${i}`, from: '+1', to: '+2', operator: 'op', callerId: '+1', start: 'x', answer: null,
  end: 'y', durationSec: 0, outcome: 'answered', sipCode: 200, reason: 'ok',
});

t.test('CDR file: lines written in one burst land in order, whole, appended after earlier runs (JSONL)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cdr-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cdrs.jsonl');
  fs.writeFileSync(file, `${JSON.stringify(cdr(-2))}\n`);
  const sink = new CdrSink(file);
  // 2,000 writes in one tick: sonic-boom gathers them while its first write is in flight.
  for (let i = 0; i < 2000; i++) sink.write(cdr(i));
  t.equal(sink.written, 2000);
  await sink.close();
  await sink.close(); // a second close (shutdown paths may overlap) is harmless
  const back = readCdrFile(file);
  t.equal(back.length, 2001, 'the earlier line kept, every new line whole');
  t.same(back.slice(1).map((c) => c.sipCallId), Array.from({ length: 2000 }, (_, i) => `s${i}`), 'in write order');
  t.same(readCdrFile(file, 'c7').map((c) => c.technology), ['Operator Connect', 'Phone']);
  t.same(sink.byCorrelationId('c7').length, 2, 'and kept in memory for the API');
});
