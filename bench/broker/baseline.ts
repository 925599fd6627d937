// Baseline: the same bytes over loopback TCP between two Node processes with no protocol at all.
// "in": this process writes `bytes` in `chunkBytes` writes to a child that reads and discards
// (the broker's produce side); "out": the child writes them and this process discards (fetch side).
// The child is measured like the broker child: CPU from /proc, so CPU s/GB is comparable.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { cpuSeconds, GB, MB } from './proc';

const CHILD = `
const net = require('node:net');
const [mode, total, chunkBytes] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const server = net.createServer((s) => {
  s.setNoDelay(true);
  if (mode === 'in') {
    let got = 0;
    s.on('data', (d) => {
      got += d.length;
      if (got >= total) s.end('k');
    });
  } else {
    const chunk = Buffer.alloc(chunkBytes, 120);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const n = Math.min(chunkBytes, total - sent);
        sent += n;
        if (!s.write(n === chunkBytes ? chunk : chunk.subarray(0, n))) return void s.once('drain', pump);
      }
      s.end();
    };
    pump();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export interface BaselineResult {
  direction: 'in' | 'out';
  bytes: number;
  chunkBytes: number;
  seconds: number;
  mbPerSec: number;
  /** CPU of the Node peer standing in for the broker, per GB moved. */
  peerCpuSecPerGb: number;
}

export async function tcpBaseline(
  direction: 'in' | 'out',
  bytes: number,
  chunkBytes: number,
): Promise<BaselineResult> {
  const child = spawn(process.execPath, ['-e', CHILD, direction, String(bytes), String(chunkBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      child.once('exit', (c) => reject(new Error(`tcp baseline peer exited with ${c}`)));
    });
    const cpu0 = cpuSeconds(child.pid!);
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    sock.setNoDelay(true);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      if (direction === 'in') {
        sock.once('data', () => resolve()); // the peer's ack after the last byte
        const chunk = Buffer.alloc(chunkBytes, 120);
        let sent = 0;
        const pump = () => {
          while (sent < bytes) {
            const n = Math.min(chunkBytes, bytes - sent);
            sent += n;
            if (!sock.write(n === chunkBytes ? chunk : chunk.subarray(0, n)))
              return void sock.once('drain', pump);
          }
        };
        pump();
      } else {
        let got = 0;
        sock.on('data', (d: Buffer) => {
          got += d.length;
          if (got >= bytes) resolve();
        });
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(child.pid!) - cpu0;
    sock.destroy();
    return {
      direction,
      bytes,
      chunkBytes,
      seconds,
      mbPerSec: bytes / MB / seconds,
      peerCpuSecPerGb: cpu / (bytes / GB),
    };
  } finally {
    child.kill();
  }
}
