// One workload of the inspector bench, in its own process so that its CPU and memory are its own
// and the broker (another child) never shares its event loop:
//
//   node --import tsx bench/inspector/worker.ts '<json WorkerArgs>'
//
// Prints one line `RESULT {json}` when done. Every workload reads the whole topic from earliest to
// the end and is timed from its first consumed batch to its last record handled (export: to the
// file closed), so connecting and the group join, which differ between clients, are left out alike;
// the time from start to the first batch is reported separately.
import { createWriteStream, statSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { connect, type ConsumedRecord } from '../../src/kafka/client';
import { cpuNow, stampFirstBatch } from '../measure';
import { embeddedProfile } from '../../src/kafka/profile';
import { exportTopic, readTopic } from '../../src/inspector/index';

export type WorkerMode = 'kafkajs' | 'tail' | 'search' | 'export';

export interface WorkerArgs {
  mode: WorkerMode;
  bootstrap: string;
  topic: string;
  /** Records in the topic: every workload reads them all. */
  count: number;
  /** Group name for the kafkajs baseline; the export file for export. */
  name: string;
  filter?: string;
}

export interface WorkerResult {
  /** Records read (scanned). */
  records: number;
  /** Records that passed the filter (search), or were written (export). */
  matched: number;
  /** Key + value + header name and value bytes of the records read. */
  recordBytes: number;
  /** Bytes of the export file. */
  fileBytes?: number;
  seconds: number;
  /** From the start of the workload to its first batch (connect, join, seek). */
  startupSeconds: number;
  /** CPU time (user + system, all threads) of this process over `seconds`. */
  cpuSeconds: number;
}

// The same fetch sizes as readTopic's consumer, so the baseline differs from kflow only in what
// happens to each record.
const FETCH = { maxWaitTimeInMs: 200, maxBytes: 50 << 20, maxBytesPerPartition: 1 << 20 };

function recordBytes(r: ConsumedRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    for (const b of Array.isArray(v) ? v : [v]) n += k.length + b.length;
  }
  return n;
}

async function kafkajsWorkload(a: WorkerArgs): Promise<WorkerResult> {
  const t0 = performance.now();
  const kafka = new Kafka({ clientId: 'bench', brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(a.topic)).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: a.name, ...FETCH });
  await consumer.connect();
  await consumer.subscribe({ topic: a.topic, fromBeginning: true });
  let first = 0;
  let last = 0;
  let cpuFirst = 0;
  let cpuLast = 0;
  let records = 0;
  let bytes = 0;
  let open = [...ends].filter(([, high]) => high > 0n).length;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (first === 0 && batch.messages.length > 0) {
        first = performance.now();
        cpuFirst = cpuNow();
      }
      for (const m of batch.messages) {
        let n = (m.key?.length ?? 0) + (m.value?.length ?? 0);
        for (const [k, v] of Object.entries(m.headers ?? {})) {
          if (v === undefined) continue;
          for (const b of Array.isArray(v) ? v : [v]) n += k.length + (b as Buffer).length;
        }
        bytes += n;
      }
      records += batch.messages.length;
      const lastOffset = batch.messages[batch.messages.length - 1]?.offset;
      if (lastOffset !== undefined && BigInt(lastOffset) + 1n >= ends.get(batch.partition)!) {
        open--;
        if (open === 0) {
          last = performance.now();
          cpuLast = cpuNow();
          finish();
        }
      }
    },
  });
  await done;
  await consumer.disconnect();
  return {
    records,
    matched: records,
    recordBytes: bytes,
    seconds: (last - first) / 1000,
    startupSeconds: (first - t0) / 1000,
    cpuSeconds: cpuLast - cpuFirst,
  };
}

async function kflowWorkload(a: WorkerArgs): Promise<WorkerResult> {
  const t0 = performance.now();
  const base = await connect({ ...embeddedProfile(a.bootstrap), name: 'bench' });
  const { client, first, firstCpu: cpuFirst } = stampFirstBatch(base);
  let last = 0;
  let cpuLast = 0;
  let bytes = 0;
  // The wire reader (src/kafka/wire) opens no kafkajs consumer for stampFirstBatch to see: its first
  // batch is stamped at the first progress report, after the first hand-over of at most 2,048
  // records, which leaves that hand-over's work out of the timed span (about 1% of a quick run).
  let firstSeen = 0;
  let firstSeenCpu = 0;
  const onProgress = (p: { scanned: number; total: number | null }) => {
    if (firstSeen === 0 && p.scanned > 0) [firstSeen, firstSeenCpu] = [performance.now(), cpuNow()];
    if (p.scanned === p.total && last === 0) {
      last = performance.now();
      cpuLast = cpuNow();
    }
  };
  let result: WorkerResult;
  if (a.mode === 'export') {
    // The file is part of the work: the export ends when the file is closed.
    const out = createWriteStream(a.name);
    const r = await exportTopic(client, out, { topic: a.topic, onProgress });
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    last = performance.now();
    cpuLast = cpuNow();
    result = {
      records: r.records,
      matched: r.records,
      recordBytes: 0,
      fileBytes: statSync(a.name).size,
      seconds: 0,
      startupSeconds: 0,
      cpuSeconds: 0,
    };
  } else {
    const r = await readTopic(client, {
      topic: a.topic,
      from: { kind: 'earliest' },
      to: { kind: 'end' },
      ...(a.mode === 'search' && a.filter ? { filter: a.filter } : {}),
      onRecords: (rs) => {
        for (const rec of rs) bytes += recordBytes(rec);
      },
      onProgress,
    });
    result = {
      records: r.scanned,
      matched: r.matched,
      recordBytes: bytes,
      seconds: 0,
      startupSeconds: 0,
      cpuSeconds: 0,
    };
  }
  await base.close();
  return {
    ...result,
    seconds: (last - (first() || firstSeen)) / 1000,
    startupSeconds: ((first() || firstSeen) - t0) / 1000,
    cpuSeconds: cpuLast - (cpuFirst() || firstSeenCpu),
  };
}

async function main() {
  const a = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const r = a.mode === 'kafkajs' ? await kafkajsWorkload(a) : await kflowWorkload(a);
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
}

await main();
