// Broker benchmarks: kcat and kafkajs throughput, end-to-end latency, RSS under volume and CPU per
// GB, with a raw loopback TCP baseline measured in the same run. The broker runs in a child process
// (`kflow broker`), so its CPU and memory are read from /proc apart from the clients'.
//
//   npx tsx bench/broker/run.ts [--quick] [--gb 5]      (npm run bench:broker -- --quick)
//
// --quick divides every volume by 8 and shortens the latency run; --gb sets the RSS volume
// (default 5, or 0.5 with --quick). Results: a table on stdout, JSON in bench/results/.
// Set KFLOW_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") to profile the broker.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildBroker, type ChildBroker } from '../../test/support/child-broker';
import { tcpBaseline, type BaselineResult } from './baseline';
import { client, kafkajsConsume, kafkajsProduce } from './kafkajs';
import { kcatConsume, kcatProduce, perGb, writeRecordFile } from './kcat';
import { endToEndLatency, type LatencyResult } from './latency';
import { GB, MB } from './proc';
import { rssUnderVolume, type RssResult } from './rss';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const gbArg = argv.indexOf('--gb');
const rssGb = gbArg >= 0 ? Number(argv[gbArg + 1]) : quick ? 0.5 : 5;
if (!(rssGb > 0)) throw new Error('--gb must be a positive number');
const scale = quick ? 1 / 8 : 1;
const BATCH_BYTES = 1_000_000; // librdkafka's default message.max.bytes; the broker allows 1 MiB
const SIZES = [100, 1024] as const;
const PARTITIONS = [1, 8] as const;
const ACKS = [1, -1] as const;
/** Records per run: about 512 MiB of 1 KB records and 190 MiB of 100 B records for kcat. */
const kcatCount = (size: number) => Math.round((size === 1024 ? 524_288 : 2_000_000) * scale);
const kjsCount = (size: number) => Math.round((size === 1024 ? 200_000 : 500_000) * scale);

interface ThroughputRow {
  client: 'kcat' | 'kafkajs' | 'tcp';
  op: 'produce' | 'consume' | 'baseline in' | 'baseline out';
  valueBytes: number;
  partitions: number;
  acks: string;
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  brokerCpuSecPerGb: number;
  /** Broker CPU time over wall time: near 100% means the broker (one thread) was the limit. */
  brokerCpuPercent: number;
  clientCpuSecPerGb?: number;
  note?: string;
}

const log = (line: string) => console.log(line);
const rows: ThroughputRow[] = [];
const row = (
  r: Omit<ThroughputRow, 'recordsPerSec' | 'mbPerSec' | 'brokerCpuSecPerGb' | 'brokerCpuPercent'> & {
    brokerCpu: number;
  },
) => {
  const { brokerCpu, ...rest } = r;
  const full: ThroughputRow = {
    ...rest,
    recordsPerSec: r.records / r.seconds,
    mbPerSec: r.bytes / MB / r.seconds,
    brokerCpuSecPerGb: perGb(brokerCpu, r.bytes),
    brokerCpuPercent: (100 * brokerCpu) / r.seconds,
  };
  rows.push(full);
  log(
    `  ${full.client.padEnd(7)} ${full.op.padEnd(12)} ${String(full.valueBytes).padStart(5)} B  p=${full.partitions} acks=${full.acks.padEnd(3)} ` +
      `${fmt(full.recordsPerSec, 0).padStart(9)} rec/s ${fmt(full.mbPerSec, 1).padStart(7)} MB/s`,
  );
};
const fmt = (n: number, digits: number) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / GB),
    node: process.version,
    kcat: execFileSync('kcat', ['-V'], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Version'))
      ?.trim(),
    kernel: os.release(),
    /** Other work on the machine skews every figure; recorded so a noisy run can be recognised. */
    loadAvgAtStart: os.loadavg(),
  };
}

function checkDisk(dir: string, needBytes: number): void {
  const out = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  const avail = Number(out.trim().split('\n').pop());
  log(
    `disk: ${(avail / GB).toFixed(1)} GB free in ${dir}, the run needs about ${(needBytes / GB).toFixed(1)} GB`,
  );
  if (avail < needBytes * 1.2) throw new Error(`not enough disk space in ${dir}`);
}

async function createTopics(bootstrap: string, topics: { topic: string; numPartitions: number }[]) {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function withBroker<T>(root: string, name: string, fn: (b: ChildBroker) => Promise<T>): Promise<T> {
  const data = path.join(root, name);
  const nodeArgs = process.env['KFLOW_BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const b = await startChildBroker(['--data', data, '--partitions', '8'], {}, nodeArgs);
  try {
    return await fn(b);
  } finally {
    await b.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kflow-bench-broker-'));
  const started = new Date();
  const m = machine();
  log(
    `kflow broker bench ${quick ? '(quick) ' : ''}on ${m.cores} x ${m.cpu}, ${m.memGb} GB, Node ${m.node}, ${m.kcat}`,
  );
  const throughputBytes =
    2 * (kcatCount(1024) * 1024 + kcatCount(100) * 100) * 4 +
    (kjsCount(1024) * 1024 + kjsCount(100) * 100) * 4;
  checkDisk(root, throughputBytes + rssGb * GB);
  try {
    const files = Object.fromEntries(
      SIZES.map((size) => {
        const f = path.join(root, `records-${size}`);
        writeRecordFile(f, size, kcatCount(size));
        return [size, f];
      }),
    ) as Record<number, string>;

    log('baseline: raw loopback TCP, Node to Node, 1 MB writes');
    const baselineBytes = kcatCount(1024) * 1024;
    const baseline: BaselineResult[] = [];
    for (const dir of ['in', 'out'] as const) {
      const b = await tcpBaseline(dir, baselineBytes, BATCH_BYTES);
      baseline.push(b);
      rows.push({
        client: 'tcp',
        op: dir === 'in' ? 'baseline in' : 'baseline out',
        valueBytes: 0,
        partitions: 0,
        acks: '-',
        records: 0,
        bytes: b.bytes,
        seconds: b.seconds,
        recordsPerSec: NaN,
        mbPerSec: b.mbPerSec,
        brokerCpuSecPerGb: b.peerCpuSecPerGb,
        brokerCpuPercent: (100 * b.peerCpuSecPerGb * (b.bytes / GB)) / b.seconds,
      });
      log(
        `  tcp ${dir.padEnd(3)} ${fmt(b.mbPerSec, 1)} MB/s (peer CPU ${b.peerCpuSecPerGb.toFixed(2)} s/GB)`,
      );
    }

    let latency: LatencyResult | undefined;
    await withBroker(root, 'data-throughput', async (b) => {
      const pid = b.child.pid!;
      const topic = (c: string, size: number, p: number, acks: number) =>
        `${c}-${size}b-p${p}-acks${acks === -1 ? 'all' : acks}`;
      const topics = [];
      for (const c of ['kcat', 'kjs'])
        for (const size of SIZES)
          for (const p of PARTITIONS)
            for (const acks of ACKS) topics.push({ topic: topic(c, size, p, acks), numPartitions: p });
      topics.push({ topic: 'latency', numPartitions: 1 });
      await createTopics(b.bootstrap, topics);

      log('kcat produce / consume');
      for (const size of SIZES)
        for (const p of PARTITIONS) {
          for (const acks of ACKS) {
            const records = kcatCount(size);
            const r = await kcatProduce({
              bootstrap: b.bootstrap,
              topic: topic('kcat', size, p, acks),
              file: files[size]!,
              acks,
              batchBytes: BATCH_BYTES,
              brokerPid: pid,
            });
            row({
              client: 'kcat',
              op: 'produce',
              valueBytes: size,
              partitions: p,
              acks: acks === -1 ? 'all' : '1',
              records,
              bytes: records * size,
              seconds: r.seconds,
              brokerCpu: r.brokerCpuSeconds,
              clientCpuSecPerGb: perGb(r.toolCpuSeconds, records * size),
            });
          }
          const records = kcatCount(size);
          const c = await kcatConsume({
            bootstrap: b.bootstrap,
            topic: topic('kcat', size, p, 1),
            brokerPid: pid,
          });
          row({
            client: 'kcat',
            op: 'consume',
            valueBytes: size,
            partitions: p,
            acks: '-',
            records,
            bytes: records * size,
            seconds: c.seconds,
            brokerCpu: c.brokerCpuSeconds,
            clientCpuSecPerGb: perGb(c.toolCpuSeconds, records * size),
          });
        }

      log('kafkajs produce / consume');
      for (const size of SIZES)
        for (const p of PARTITIONS) {
          const perSend = size === 1024 ? 250 : 2000; // about 256 KB per send
          for (const acks of ACKS) {
            const records = kjsCount(size);
            const r = await kafkajsProduce({
              bootstrap: b.bootstrap,
              topic: topic('kjs', size, p, acks),
              partitions: p,
              valueBytes: size,
              count: records,
              acks,
              perSend,
              inFlight: 4,
              brokerPid: pid,
            });
            row({
              client: 'kafkajs',
              op: 'produce',
              valueBytes: size,
              partitions: p,
              acks: acks === -1 ? 'all' : '1',
              records,
              bytes: records * size,
              seconds: r.seconds,
              brokerCpu: r.brokerCpuSeconds,
              note: `${perSend} msgs/send, 4 sends in flight`,
            });
          }
          const records = kjsCount(size);
          const c = await kafkajsConsume({
            bootstrap: b.bootstrap,
            topic: topic('kjs', size, p, 1),
            count: records,
            brokerPid: pid,
          });
          if (c.bytes !== records * size)
            throw new Error(`kafkajs consumed ${c.bytes} bytes, expected ${records * size}`);
          row({
            client: 'kafkajs',
            op: 'consume',
            valueBytes: size,
            partitions: p,
            acks: '-',
            records,
            bytes: records * size,
            seconds: c.seconds,
            brokerCpu: c.brokerCpuSeconds,
            note: `eachBatch; timed from the group join (join took ${c.startupSeconds!.toFixed(2)} s)`,
          });
        }

      log('end-to-end latency (kafkajs producer and consumer, 100 B records, 1 partition, acks=1)');
      latency = await endToEndLatency({
        bootstrap: b.bootstrap,
        topic: 'latency',
        ratePerSec: 10_000,
        seconds: quick ? 5 : 30,
        warmupSeconds: 2,
        valueBytes: 100,
      });
      log(
        `  ${latency.ratePerSec}/s for ${latency.seconds} s: p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms, p99.9 ${latency.p999Ms.toFixed(2)} ms, max ${latency.maxMs.toFixed(2)} ms (${latency.received}/${latency.sent} received)`,
      );
    });

    log(
      `broker RSS while kcat writes ${rssGb} GB of 1 KB records (8 partitions, acks=1), then reads them back`,
    );
    const rss: RssResult = await withBroker(root, 'data-rss', async (b) => {
      await createTopics(b.bootstrap, [{ topic: 'volume', numPartitions: 8 }]);
      const file = files[1024]!;
      return rssUnderVolume({
        bootstrap: b.bootstrap,
        brokerPid: b.child.pid!,
        topic: 'volume',
        file,
        fileBytes: kcatCount(1024) * 1024,
        totalBytes: rssGb * GB,
        batchBytes: BATCH_BYTES,
        log,
      });
    });
    log(
      `  start ${(rss.startRssBytes / MB).toFixed(0)} MB, max ${(rss.maxRssBytes / MB).toFixed(0)} MB, final ${(rss.finalRssBytes / MB).toFixed(0)} MB; ` +
        `reading back: max ${(rss.consume.maxRssBytes / MB).toFixed(0)} MB; ` +
        `CPU s/GB broker ${rss.brokerCpuSecPerGb.toFixed(2)} vs kcat ${rss.kcatCpuSecPerGb.toFixed(2)}`,
    );

    printTable();
    const kcat1kIn = rows.filter((r) => r.client === 'kcat' && r.op === 'produce' && r.valueBytes === 1024);
    const kcat1kOut = rows.filter((r) => r.client === 'kcat' && r.op === 'consume' && r.valueBytes === 1024);
    const targets = {
      kcat1kProduceMbPerSec: {
        target: 100,
        best: Math.max(...kcat1kIn.map((r) => r.mbPerSec)),
        worst: Math.min(...kcat1kIn.map((r) => r.mbPerSec)),
      },
      kcat1kConsumeMbPerSec: {
        target: 300,
        best: Math.max(...kcat1kOut.map((r) => r.mbPerSec)),
        worst: Math.min(...kcat1kOut.map((r) => r.mbPerSec)),
      },
      rssMaxMb: { target: 200, value: rss.maxRssBytes / MB },
      cpuPerGb: { broker: rss.brokerCpuSecPerGb, kcat: rss.kcatCpuSecPerGb },
    };
    log('targets:');
    log(
      `  kcat 1 KB produce >= 100 MB/s: ${targets.kcat1kProduceMbPerSec.worst.toFixed(0)}-${targets.kcat1kProduceMbPerSec.best.toFixed(0)} MB/s ${targets.kcat1kProduceMbPerSec.worst >= 100 ? 'met' : targets.kcat1kProduceMbPerSec.best >= 100 ? 'met in some cases' : 'NOT met'}`,
    );
    log(
      `  kcat 1 KB consume >= 300 MB/s: ${targets.kcat1kConsumeMbPerSec.worst.toFixed(0)}-${targets.kcat1kConsumeMbPerSec.best.toFixed(0)} MB/s ${targets.kcat1kConsumeMbPerSec.worst >= 300 ? 'met' : targets.kcat1kConsumeMbPerSec.best >= 300 ? 'met in some cases' : 'NOT met'}`,
    );
    log(
      `  broker RSS < 200 MB: max ${targets.rssMaxMb.value.toFixed(0)} MB ${targets.rssMaxMb.value < 200 ? 'met' : 'NOT met'}`,
    );
    log(
      `  broker CPU s/GB < producer's: ${rss.brokerCpuSecPerGb.toFixed(2)} vs ${rss.kcatCpuSecPerGb.toFixed(2)} ${rss.brokerCpuSecPerGb < rss.kcatCpuSecPerGb ? 'met' : 'NOT met'}`,
    );

    const results = {
      date: started.toISOString(),
      quick,
      rssGb,
      machine: m,
      loadAvgAtEnd: os.loadavg(),
      commit: gitCommit(),
      baseline,
      throughput: rows,
      latency,
      rss,
      targets,
    };
    const dir = path.join(import.meta.dirname, '../results');
    mkdirSync(dir, { recursive: true });
    // A second run on the same day gets the time too, so a committed result is never overwritten.
    const day = started.toISOString().slice(0, 10);
    const name = (stamp: string) => path.join(dir, `broker-${stamp}${quick ? '-quick' : ''}.json`);
    const out = existsSync(name(day))
      ? name(`${day}T${started.toISOString().slice(11, 16).replace(':', '')}`)
      : name(day);
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    log(`results: ${path.relative(process.cwd(), out)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function printTable() {
  log('');
  log(
    '| client | op | value | partitions | acks | records/s | MB/s | broker CPU s/GB | broker CPU % | client CPU s/GB |',
  );
  log('|---|---|---:|---:|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    log(
      `| ${r.client} | ${r.op} | ${r.valueBytes ? `${r.valueBytes} B` : '-'} | ${r.partitions || '-'} | ${r.acks} | ` +
        `${Number.isNaN(r.recordsPerSec) ? '-' : fmt(r.recordsPerSec, 0)} | ${fmt(r.mbPerSec, 1)} | ${r.brokerCpuSecPerGb.toFixed(2)} | ${r.brokerCpuPercent.toFixed(0)}% | ${r.clientCpuSecPerGb?.toFixed(2) ?? '-'} |`,
    );
  }
  log('');
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

await main();
