/**
 * @module inspector/generate
 * Produces records from templates (template.ts) at a rate, for `kflow topics produce --template`
 * and the app's Generate tab: batches of at most a tenth of a second's records at a rate, so a
 * stop (the signal) takes effect within about that.
 */
import { randomUUID } from 'node:crypto';
import type { KafkaClient, ProduceRecord } from '../kafka/client';
import { compileTemplate } from './template';

export interface GenerateOptions {
  topic: string;
  /** Templates; a null or absent key template produces null keys. */
  key?: string | null;
  value: string;
  headers?: Record<string, string>;
  count: number;
  /** Records per second; 0 or absent: as fast as possible. */
  rate?: number;
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}

const FAST_BATCH = 500;

/** Compiles every template first (a TemplateError names the bad one), then produces; returns the count sent. */
export async function produceGenerated(client: KafkaClient, opts: GenerateOptions): Promise<number> {
  const value = compileTemplate(opts.value, 'value');
  const key = opts.key != null ? compileTemplate(opts.key, 'key') : null;
  const headers = Object.entries(opts.headers ?? {}).map(
    ([k, v]) => [k, compileTemplate(v, `header ${k}`)] as const,
  );
  const admin = await client.admin();
  if (!(await admin.listTopics()).includes(opts.topic))
    throw new Error(`topic "${opts.topic}" does not exist`);
  const producer = await client.producer();
  const rate = opts.rate ?? 0;
  const started = Date.now();
  let done = 0;
  try {
    while (done < opts.count && !opts.signal?.aborted) {
      const size = Math.min(opts.count - done, rate > 0 ? Math.max(1, Math.ceil(rate / 10)) : FAST_BATCH);
      const batch: ProduceRecord[] = [];
      for (let i = 0; i < size; i++) {
        const ctx = { seq: done + i + 1, now: Date.now(), random: Math.random, uuid: randomUUID };
        const r: ProduceRecord = { topic: opts.topic, key: key ? key(ctx) : null, value: value(ctx) };
        if (headers.length > 0) r.headers = Object.fromEntries(headers.map(([k, h]) => [k, h(ctx)]));
        batch.push(r);
      }
      await producer.send(batch);
      done += size;
      opts.onProgress?.(done);
      if (rate > 0) {
        const wait = started + (done / rate) * 1000 - Date.now();
        if (wait > 0) await sleep(wait, opts.signal);
      }
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
  return done;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((res) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    }
  });
}
