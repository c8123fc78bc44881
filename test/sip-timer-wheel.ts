/**
 * sip/core/timer-wheel.ts: the edge's timers (RFC 3261 17.1.1.2 Timer A, 17.2.1 100 Trying after
 * 200 ms, ...) fire no earlier than asked, in order, once; cleared ones never; nothing stays armed.
 */
import t from 'tap';
import { TimerWheel } from '../sip/core/timer-wheel';

const fired = (w: TimerWheel, ms: number) =>
  new Promise<number>((resolve) => {
    const at = Date.now();
    w.set(() => resolve(Date.now() - at), ms);
  });

t.test('a timer fires no earlier than asked (RFC 3261 timers are minimums), and in order', async (t) => {
  const w = new TimerWheel();
  const order: number[] = [];
  const asked = [200, 60, 120, 60];
  const runs = asked.map((ms, i) => fired(w, ms).then((took) => (order.push(i), took)));
  t.equal(w.size, 4);
  const took = await Promise.all(runs);
  took.forEach((ms, i) => t.ok(ms >= asked[i], `timer ${i}: ${ms} ms >= ${asked[i]} ms`));
  t.same(order, [1, 3, 2, 0], 'by due time; equal ones in the order set');
  t.equal(w.size, 0, 'nothing pending: the interval is disarmed');
});

t.test('a cleared timer never runs; clearing twice, or after it ran, is harmless', async (t) => {
  const w = new TimerWheel();
  let ran = 0;
  const a = w.set(() => ran++, 60);
  const short = w.set(() => ran++, 5); // below the wheel's tick: a plain setTimeout
  w.clear(a);
  w.clear(a);
  w.clear(short);
  t.equal(w.size, 0);
  await fired(w, 80); // a later timer: by the time it runs, the cleared ones were due
  t.equal(ran, 0);
  const b = w.set(() => ran++, 60);
  await fired(w, 70);
  w.clear(b);
  t.equal(ran, 1, 'ran once');
  t.equal(w.size, 0);
});

t.test('a callback may set the next timer (retransmission doubling) and the wheel re-arms', async (t) => {
  const w = new TimerWheel();
  const gaps: number[] = [];
  await new Promise<void>((done) => {
    let interval = 50;
    let last = Date.now();
    const tick = () => {
      gaps.push(Date.now() - last);
      last = Date.now();
      if (gaps.length === 3) return done();
      interval *= 2;
      w.set(tick, interval);
    };
    w.set(tick, interval);
  });
  t.ok(gaps[0] >= 50 && gaps[1] >= 100 && gaps[2] >= 200, `doubling gaps ${gaps.join(', ')} ms`);
  t.equal(w.size, 0);
});

t.test('a callback that clears a timer due in the same tick: that one never runs', async (t) => {
  const w = new TimerWheel();
  const ran: string[] = [];
  await new Promise<void>((done) => {
    let b: ReturnType<TimerWheel['set']> | undefined = undefined;
    w.set(() => {
      ran.push('a');
      w.clear(b);
      w.set(() => done(), 60); // the next event, to know the tick is over
    }, 60);
    b = w.set(() => ran.push('b'), 60);
  });
  t.same(ran, ['a']);
  t.equal(w.size, 0);
});

t.test('a step of the system clock neither fires a timer early nor strands it (ticks on the monotonic clock, ' +
  'as setTimeout; RFC 3261 17.2.1 Timer H waits 64*T1 for the ACK)', async (t) => {
  const w = new TimerWheel();
  let ran = 0;
  const realNow = Date.now;
  t.teardown(() => { Date.now = realNow; });
  const ack = w.set(() => ran++, 32_000);
  Date.now = () => realNow() + 60_000; // NTP steps the wall clock a minute ahead
  (w as unknown as { run(): void }).run();
  t.equal(ran, 0, 'the 32 s wait did not fire at the step');
  w.clear(ack);
  Date.now = () => realNow() - 60_000; // and a minute back
  const took = await fired(w, 60);
  t.ok(took >= 60, 'a timer set after a backward step still runs, no earlier than asked');
  t.equal(w.size, 0);
});
