// Dead-letter redrive against the embedded broker: dead letters written with the engine's headers,
// a preview that counts per original topic, a redrive that moves exactly the matching records with
// the dead-letter headers stripped, a second redrive that moves nothing, a record whose source
// topic does not exist reported (not dropped), a cancel that stops, and the CLI's exit codes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { connect, type ConsumedRecord, type KafkaClient } from '../../../src/kafka/client';
import { embeddedProfile } from '../../../src/kafka/profile';
import { readTopic, redrive } from '../../../src/inspector/index';
import { DLQ_HEADERS } from '../../../src/spec/dead-letter';
import { run } from '../../support/tools';

const root = join(import.meta.dirname, '../../..');
let broker: RunningBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  client = await connect({ ...embeddedProfile(broker.bootstrap), name: 'test' });
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

async function topics(...specs: [string, number][]) {
  const admin = await client.admin();
  await admin.createTopics(specs.map(([name, partitions]) => ({ name, partitions })));
}

interface Dead {
  source: string | null;
  error: string;
  amount: number;
}

/** Dead letters as the engine writes them (runtime.ts), record i with key d<i> and time 1e12 + i. */
async function writeDead(dlq: string, list: Dead[]) {
  const p = await client.producer();
  await p.send(
    list.map((d, i) => {
      const headers: Record<string, Buffer> = {
        [DLQ_HEADERS.pipeline]: Buffer.from('orders-p'),
        [DLQ_HEADERS.node]: Buffer.from('parse'),
        [DLQ_HEADERS.error]: Buffer.from(d.error),
        [DLQ_HEADERS.partition]: Buffer.from('0'),
        [DLQ_HEADERS.offset]: Buffer.from(String(i)),
        trace: Buffer.from(`t${i}`),
      };
      if (d.source !== null) headers[DLQ_HEADERS.topic] = Buffer.from(d.source);
      return {
        topic: dlq,
        partition: 0,
        key: Buffer.from(`d${i}`),
        value: Buffer.from(JSON.stringify({ amount: d.amount })),
        timestamp: 1_000_000_000_000 + i,
        headers,
      };
    }),
  );
  await p.close();
}

async function readAll(topic: string): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  await readTopic(client, { topic, onRecords: (rs) => void out.push(...rs) });
  return out;
}

describe('redrive', { timeout: 200_000 }, () => {
  it('previews, moves exactly the matching ones, and a second run moves nothing', async () => {
    await topics(['orders', 1], ['payments', 1], ['orders.dlq', 1]);
    // 0..5: orders timeout, orders bad json, payments timeout, no source, gone topic, orders timeout
    await writeDead('orders.dlq', [
      { source: 'orders', error: 'timeout calling api', amount: 10 },
      { source: 'orders', error: 'bad json', amount: 11 },
      { source: 'payments', error: 'timeout calling api', amount: 12 },
      { source: null, error: 'timeout calling api', amount: 13 },
      { source: 'gone', error: 'timeout calling api', amount: 14 },
      { source: 'orders', error: 'timeout calling api', amount: 15 },
    ]);

    const preview = await redrive(client, {
      topic: 'orders.dlq',
      selection: { filter: "_headers['kflow-error'] LIKE 'timeout%'" },
      dryRun: true,
    });
    expect(preview.scanned).toBe(6);
    expect(preview.byTopic.map((t) => [t.topic, t.count])).toEqual([
      ['orders', 2],
      ['payments', 1],
    ]);
    expect(preview.byTopic[0]!.samples.map((s) => [s.offset, s.key, s.error])).toEqual([
      ['0', 'd0', 'timeout calling api'],
      ['5', 'd5', 'timeout calling api'],
    ]);
    expect(preview.skipped.count).toBe(2);
    expect(preview.skipped.first.map((s) => [s.offset, s.reason, s.sourceTopic])).toEqual([
      ['3', 'no-source-topic', null],
      ['4', 'unknown-topic', 'gone'],
    ]);
    expect(preview.moved).toBe(0);
    expect(await readAll('orders')).toEqual([]);

    const r = await redrive(client, {
      topic: 'orders.dlq',
      selection: { filter: "_headers['kflow-error'] LIKE 'timeout%'" },
    });
    expect(r.moved).toBe(3);
    expect(r.reason).toBe('end');
    expect(r.position).toEqual([{ partition: 0, offset: '6' }]);
    const orders = await readAll('orders');
    expect(orders.map((o) => [o.key?.toString(), o.value?.toString(), Number(o.timestamp)])).toEqual([
      ['d0', '{"amount":10}', 1_000_000_000_000],
      ['d5', '{"amount":15}', 1_000_000_000_005],
    ]);
    expect(Object.keys(orders[0]!.headers)).toEqual(['trace']);
    expect((await readAll('payments')).map((o) => o.key?.toString())).toEqual(['d2']);
    const admin = await client.admin();
    const committed = await admin.groupOffsets('kflow-redrive.orders.dlq', ['orders.dlq']);
    expect(committed.map((c) => [c.partition, c.offset])).toEqual([[0, 6n]]);

    const again = await redrive(client, { topic: 'orders.dlq' });
    expect(again.scanned).toBe(0);
    expect(again.moved).toBe(0);
    expect((await readAll('orders')).length).toBe(2);

    // From the beginning, the bad-json one (left out before) can still go back.
    const rest = await redrive(client, {
      topic: 'orders.dlq',
      selection: { error: 'bad json' },
      from: 'earliest',
    });
    expect(rest.moved).toBe(1);
    expect((await readAll('orders')).map((o) => o.key?.toString())).toEqual(['d0', 'd5', 'd1']);
  });

  it('stops when cancelled: a redrive aborted at its first progress moves less than all', async () => {
    await topics(['big', 1], ['big.dlq', 1]);
    await writeDead(
      'big.dlq',
      Array.from({ length: 3000 }, (_, i) => ({ source: 'big', error: 'x', amount: i })),
    );
    const ac = new AbortController();
    const r = await redrive(client, {
      topic: 'big.dlq',
      signal: ac.signal,
      onProgress: (p) => {
        if (p.moved > 0) ac.abort();
      },
    });
    expect(r.reason).toBe('cancelled');
    expect(r.moved).toBeGreaterThan(0);
    expect(r.moved).toBeLessThan(3000);
    expect((await readAll('big')).length).toBe(r.moved);
    const admin = await client.admin();
    const committed = await admin.groupOffsets('kflow-redrive.big.dlq', ['big.dlq']);
    expect(committed[0]!.offset).toBe(BigInt(r.moved));
    // The next run continues where the cancelled one stopped: all 3000, none twice.
    const next = await redrive(client, { topic: 'big.dlq' });
    expect(next.moved).toBe(3000 - r.moved);
    expect((await readAll('big')).length).toBe(3000);
  });

  it('kflow topics redrive: table, --json, exit 2 on bad input and 1 when some are skipped', async () => {
    await topics(['cli', 1], ['cli-dlq', 1]);
    await writeDead('cli-dlq', [
      { source: 'cli', error: 'boom', amount: 1 },
      { source: 'nowhere', error: 'boom', amount: 2 },
    ]);
    const kflow = (args: string[]) =>
      run(process.execPath, [join(root, 'bin/kflow.js'), ...args, '--bootstrap', broker.bootstrap], {
        timeoutMs: 60_000,
      });
    const dry = await kflow(['topics', 'redrive', 'cli-dlq', '--dry-run', '-q']);
    expect(dry.status, dry.stderr).toBe(1);
    expect(dry.stdout).toMatch(/ORIGINAL TOPIC\s+COUNT\s+FIRST ERROR\ncli\s+1\s+boom/);
    expect(dry.stdout).toContain('skipped cli-dlq[0]@1: topic "nowhere" does not exist');
    const bad = await kflow(['topics', 'redrive', 'cli-dlq', '--filter', 'amount >', '-q']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('filter');
    const moved = await kflow(['topics', 'redrive', 'cli-dlq', '--source-topic', 'cli', '--json', '-q']);
    expect(moved.status, moved.stderr).toBe(0);
    const report = JSON.parse(moved.stdout) as { moved: number; position: unknown };
    expect(report.moved).toBe(1);
    expect(report.position).toEqual([{ partition: 0, offset: '2' }]);
  });
});
