// The idempotent producer's sequence bookkeeping: per partition, consecutive, wrapping at
// 2^31 - 1 to 0 as Kafka's sequences do; a reset starts every partition at 0 under a new identity.
import { describe, expect, it } from 'vitest';
import { IdempotentProducerState } from '../../../../src/kafka/wire/idempotence';
import type { BrokerConnection } from '../../../../src/kafka/wire/connection';

/** A connection answering InitProducerId with the given ids in turn. */
function fakeBroker(ids: bigint[]): { conn: () => Promise<BrokerConnection>; calls: () => number } {
  let n = 0;
  const conn = {
    address: 'fake:9092',
    request: () =>
      Promise.resolve({ throttleTimeMs: 0, errorCode: 0, producerId: ids[n++], producerEpoch: 0 }),
  } as unknown as BrokerConnection;
  return { conn: () => Promise.resolve(conn), calls: () => n };
}

describe('IdempotentProducerState', () => {
  it('numbers each partition on its own, from 0, by record count', () => {
    const s = new IdempotentProducerState();
    expect(s.take('t', 0, 5)).toBe(0);
    expect(s.take('t', 1, 2)).toBe(0);
    expect(s.take('t', 0, 3)).toBe(5);
    expect(s.take('u', 0, 1)).toBe(0);
    expect(s.take('t', 0, 1)).toBe(8);
    expect(s.take('t', 1, 1)).toBe(2);
  });

  it('wraps after 2147483647 to 0', () => {
    const s = new IdempotentProducerState();
    s.take('t', 0, 2147483640); // next is 2147483640
    expect(s.take('t', 0, 10)).toBe(2147483640);
    // 2147483640 + 10 = 2147483650 → 2147483650 - 2147483648 = 2
    expect(s.take('t', 0, 1)).toBe(2);
  });

  it('asks for a producer id once, and again only after a reset, which restarts the sequences', async () => {
    const s = new IdempotentProducerState();
    const b = fakeBroker([7n, 9n]);
    expect((await s.ensure(b.conn)).producerId).toBe(7n);
    expect((await s.ensure(b.conn)).producerId).toBe(7n);
    expect(b.calls()).toBe(1);
    s.take('t', 0, 4);
    s.reset();
    expect((await s.ensure(b.conn)).producerId).toBe(9n);
    expect(s.take('t', 0, 1)).toBe(0);
  });

  it('names the broker and the error when InitProducerId is refused, and asks again next time', async () => {
    const s = new IdempotentProducerState();
    let n = 0;
    const conn = {
      address: 'fake:9092',
      request: () =>
        Promise.resolve(
          n++ === 0
            ? { throttleTimeMs: 0, errorCode: 15, producerId: -1n, producerEpoch: -1 }
            : { throttleTimeMs: 0, errorCode: 0, producerId: 3n, producerEpoch: 0 },
        ),
    } as unknown as BrokerConnection;
    await expect(s.ensure(() => Promise.resolve(conn))).rejects.toThrow(/InitProducerId.*fake:9092/);
    await Promise.resolve();
    expect((await s.ensure(() => Promise.resolve(conn))).producerId).toBe(3n);
  });

  it('knows which in-flight batch of a partition is first, and wakes a later one when the earlier is answered', async () => {
    const s = new IdempotentProducerState();
    const a = s.sent('t', 0, s.take('t', 0, 3));
    const b = s.sent('t', 0, s.take('t', 0, 2));
    const other = s.sent('t', 1, s.take('t', 1, 1));
    expect([a.base, b.base, other.base]).toEqual([0, 3, 0]);
    expect(s.behind(a)).toBe(false);
    expect(s.behind(b)).toBe(true);
    expect(s.behind(other)).toBe(false); // partitions are independent
    let woke = false;
    const waiting = s.whenFirst(b).then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    s.answered(a);
    await waiting;
    expect(woke).toBe(true);
    expect(s.behind(b)).toBe(false);
  });

  it('makes batches sent before a reset stale, never behind, and releases their waiters', async () => {
    const s = new IdempotentProducerState();
    const a = s.sent('t', 0, s.take('t', 0, 1));
    const b = s.sent('t', 0, s.take('t', 0, 1));
    const waiting = s.whenFirst(b);
    s.reset();
    await waiting;
    expect(s.stale(a)).toBe(true);
    expect(s.behind(b)).toBe(false);
    const c = s.sent('t', 0, s.take('t', 0, 1));
    expect(c.base).toBe(0);
    expect(s.stale(c)).toBe(false);
    s.answered(a); // an answer for a replaced batch changes nothing
    expect(s.behind(c)).toBe(false);
  });
});
