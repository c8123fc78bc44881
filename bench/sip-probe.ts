/**
 * The edge's answer time at microsecond resolution: OPTIONS every few ms from a worker thread (its
 * own event loop, so the bench's HTTP client does not delay it), each round trip timed with
 * hrtime. sipp's response times come in 4 ms steps on these machines: too coarse to tell whether
 * a 1-2 ms admin command holds a SIP message up.
 */
import { Worker } from 'node:worker_threads';

const WORKER = `
const dgram = require('node:dgram');
const { parentPort, workerData: { port, everyMs } } = require('node:worker_threads');
const s = dgram.createSocket('udp4');
const sent = new Map();
const rtts = [];
let n = 0;
s.on('message', (m) => {
  const id = /^Call-ID: (\\S+)/m.exec(m.toString('latin1'))?.[1];
  const t0 = id && sent.get(id);
  if (t0 === undefined) return;
  sent.delete(id);
  rtts.push(Number(process.hrtime.bigint() - t0) / 1e3);
});
s.bind(0, '127.0.0.1', () => {
  const me = s.address().port;
  const timer = setInterval(() => {
    const id = 'probe-' + (++n) + '@127.0.0.1';
    const msg = 'OPTIONS sip:probe@127.0.0.1:' + port + ' SIP/2.0\\r\\n' +
      'Via: SIP/2.0/UDP 127.0.0.1:' + me + ';branch=z9hG4bKprobe' + n + '\\r\\n' +
      'From: <sip:probe@127.0.0.1>;tag=p' + n + '\\r\\nTo: <sip:probe@127.0.0.1>\\r\\n' +
      'Call-ID: ' + id + '\\r\\nCSeq: 1 OPTIONS\\r\\nMax-Forwards: 70\\r\\nContent-Length: 0\\r\\n\\r\\n';
    sent.set(id, process.hrtime.bigint());
    s.send(msg, port, '127.0.0.1');
  }, everyMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    // Answers still on their way count once they come; none is waited for longer than 1 s.
    setTimeout(() => { parentPort.postMessage({ rtts, lost: sent.size }); s.close(); }, 1000);
  });
});
`;

export interface ProbeResult {
  /** Round trips in microseconds, sorted. */
  rtts: number[];
  /** Probes with no answer within 1 s of the end. */
  lost: number;
}

/** Probe the edge at `port` every `everyMs` until stop() is called. */
export function startProbe(port: number, everyMs = 5): { stop(): Promise<ProbeResult> } {
  const w = new Worker(WORKER, { eval: true, workerData: { port, everyMs } });
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        w.once('message', (r: ProbeResult) => {
          void w.terminate();
          resolve({ rtts: r.rtts.sort((a, b) => a - b), lost: r.lost });
        });
        w.once('error', reject);
        w.postMessage('stop');
      }),
  };
}
