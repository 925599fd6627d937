// Append/read throughput of the file log versus raw fs.writeSync/readSync of the same bytes.
// Run: npx tsx bench/broker/log-append.ts [MB]   (default 1024 MB; 1 KB records in 16 KB batches)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeBatch } from '../../src/protocol/records/batch';
import { FileLog } from '../../src/broker/log/partition-log';

const totalMb = Number(process.argv[2] ?? 1024);
const batch = encodeBatch(
  Array.from({ length: 16 }, (_, i) => ({
    key: `key-${i}`,
    value: Buffer.alloc(1000, i),
    timestamp: Date.now(),
  })),
);
const batches = Math.ceil((totalMb * 1024 * 1024) / batch.length);
const bytes = batches * batch.length;
const mb = bytes / (1024 * 1024);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-bench-'));
const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;

try {
  // Raw baseline: same bytes, one writeSync per batch, then 1 MB readSyncs.
  const rawPath = path.join(dir, 'raw.bin');
  const fd = fs.openSync(rawPath, 'w+');
  let t = performance.now();
  for (let i = 0, pos = 0; i < batches; i++, pos += batch.length)
    fs.writeSync(fd, batch, 0, batch.length, pos);
  const rawWrite = performance.now() - t;
  const buf = Buffer.allocUnsafe(1 << 20);
  t = performance.now();
  for (let pos = 0; pos < bytes; pos += buf.length) fs.readSync(fd, buf, 0, buf.length, pos);
  const rawRead = performance.now() - t;
  fs.closeSync(fd);
  fs.rmSync(rawPath);

  const log = FileLog.open(path.join(dir, 'log'), { topic: 'bench', partition: 0 });
  const copy = Buffer.from(batch);
  t = performance.now();
  for (let i = 0; i < batches; i++) {
    batch.copy(copy); // a produce request arrives in a fresh buffer; append rewrites it in place
    log.append(copy);
  }
  const logWrite = performance.now() - t;
  t = performance.now();
  let next = 0;
  let got = 0;
  while (next < log.latest()) {
    const r = log.read(next, 1 << 20);
    got += r.records.length;
    // Last batch's last offset: the reader walks the batch lengths as a client would.
    let pos = 0;
    let last = next;
    while (pos < r.records.length) {
      last = r.records.readInt32BE(pos + 4) + r.records.readInt32BE(pos + 23);
      pos += r.records.readInt32BE(pos + 8) + 12;
    }
    next = last + 1;
  }
  const logRead = performance.now() - t;
  log.close();

  console.log(`${mb.toFixed(0)} MB in ${batches} batches of ${batch.length} B (16 x 1 KB records)`);
  console.log(`raw  writeSync ${rate(rawWrite)}   readSync ${rate(rawRead)}`);
  console.log(
    `log  append    ${rate(logWrite)}   read     ${rate(logRead)}   (read ${(got / 1048576).toFixed(0)} MB)`,
  );
  console.log(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
