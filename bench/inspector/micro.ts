// The per-record work of export and of a numeric filter, without a broker, each against its
// plain-JavaScript counterpart measured in the same run (CPU time of this process, best of R
// passes, so a shared machine's load shows less):
//
//   npx tsx bench/inspector/micro.ts [--records N] [--rounds R]
//
// (a) export lines: exportChunk (bytes, WebAssembly SIMD escaping, reused output Buffer) against
//     exportLineText per record (strings and JSON.stringify) joined into one Buffer.
// (b) numeric filter: the value members read by json-fields against JSON.parse of the value.
// Records are the bench's order events (bench/inspector/records.ts), key, value and header bytes
// as views of one Buffer, as the wire decoder hands them over.
import os from 'node:os';
import { exportChunk, exportLineText } from '../../src/inspector/format';
import { fieldReader } from '../../src/inspector/json-fields';
import type { ConsumedRecord } from '../../src/kafka/client';
import { benchRecord } from './records';

const argv = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = argv.indexOf(name);
  const n = i < 0 ? def : Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const N = flag('--records', 20_000);
const ROUNDS = flag('--rounds', 20);
const SLICE = 2048;

const arena = Buffer.alloc(N * 1200);
let at = 0;
const view = (s: string) => {
  const b = arena.subarray(at, at + arena.write(s, at));
  at += b.length;
  return b;
};
let recordBytes = 0;
const records: ConsumedRecord[] = [];
for (let i = 0; i < N; i++) {
  const r = benchRecord(i, 1024, 3);
  const key = view(r.key);
  const value = view(r.value);
  const trace = view(r.headers['trace']!);
  recordBytes += key.length + value.length + 'trace'.length + trace.length;
  records.push({
    topic: 'bench-inspect',
    partition: r.partition,
    offset: BigInt(i),
    timestamp: BigInt(1_704_067_200_000 + i),
    key,
    value,
    headers: { trace },
  });
}
const slices: ConsumedRecord[][] = [];
for (let i = 0; i < N; i += SLICE) slices.push(records.slice(i, i + SLICE));
const topicJson = JSON.stringify('bench-inspect');

let scratch: Buffer | undefined;
const readAmount = fieldReader(['amount']);
const workloads: Record<string, () => number> = {
  'export lines, exportLineText (strings)': () => {
    let n = 0;
    for (const s of slices)
      n += Buffer.from(s.map((r) => `${exportLineText(r, topicJson)}\n`).join('')).length;
    return n;
  },
  'export lines, exportChunk (bytes)': () => {
    let n = 0;
    for (const s of slices) {
      const b = exportChunk(s, topicJson, scratch);
      scratch = Buffer.from(b.buffer, b.byteOffset, b.buffer.byteLength - b.byteOffset);
      n += b.length;
    }
    return n;
  },
  'amount of each value, JSON.parse': () => {
    let n = 0;
    for (const r of records)
      if ((JSON.parse(r.value!.toString('utf8')) as { amount: number }).amount > 499) n++;
    return n;
  },
  'amount of each value, json-fields': () => {
    let n = 0;
    for (const r of records) if ((readAmount(r.value!)!['amount'] as number) > 499) n++;
    return n;
  },
};

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const best = new Map<string, number>();
const results = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++)
  for (const [name, run] of Object.entries(workloads)) {
    const c = cpu();
    results.set(name, run());
    const s = cpu() - c;
    best.set(name, Math.min(best.get(name) ?? Infinity, s));
  }
const MB = 1024 * 1024;
console.log(
  `${N} records (${(recordBytes / MB).toFixed(1)} MB of keys, values and headers), best of ${ROUNDS}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const names = Object.keys(workloads);
for (const [i, name] of names.entries()) {
  const s = best.get(name)!;
  const base = i % 2 === 1 ? best.get(names[i - 1]!)! : undefined;
  console.log(
    `  ${name.padEnd(40)} ${((N / s) | 0).toLocaleString('en-US').padStart(10)} records/CPU-s ${(recordBytes / MB / s).toFixed(0).padStart(5)} MB/CPU-s` +
      (base !== undefined ? `  ${(base / s).toFixed(2)}x` : ''),
  );
}
if (results.get(names[0]!) !== results.get(names[1]!)) throw new Error('the two exports differ in length');
if (results.get(names[2]!) !== results.get(names[3]!)) throw new Error('the two filters differ in matches');
