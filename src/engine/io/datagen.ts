/**
 * @module engine/io/datagen
 * `source.datagen`: synthetic events from a template. Event `i` is scheduled at
 * `start + i / rate`; the same schedule drives the pure `generateEvents` and the
 * paced source, so a seeded run and `generateEvents` with its start agree.
 */
import { randomUUID } from 'node:crypto';
import sourceDatagen from '../../nodes/kinds/source-datagen';
import type { EngineRecord } from '../operators/types';
import { scalar, type RecordFn } from '../operators/expr';
import { durationOf, parseConfig, type DatagenConfig, type DatagenInput } from './config';
import { IoError } from './errors';
import { seededRandom, uuidFrom, type Random } from './prng';
import { realSleep, type Sleep } from './sleep';
import type { ExternalSource, SourceContext } from './types';

type Template = DatagenConfig['template'];
type Gen = Template[string];
/** One field's value for event `index` scheduled at `at` (epoch ms). */
type FieldFn = (index: number, at: number) => unknown;

export class Datagen {
  readonly config: DatagenConfig;
  private readonly fields: Array<[string, FieldFn]>;
  /** The first timestamp generator's value is the record time. */
  private readonly timeField: string | undefined;
  private readonly key: RecordFn | undefined;
  private readonly random: Random;
  private readonly uuid: () => string;
  private index = 0;

  constructor(config: DatagenInput | DatagenConfig, nodeId = 'datagen') {
    this.config = parseConfig(sourceDatagen, config, nodeId);
    const seed = this.config.seed;
    this.random = seed === undefined ? Math.random : seededRandom(seed);
    const random = this.random;
    this.uuid = seed === undefined ? () => randomUUID() : () => uuidFrom(random);
    this.fields = Object.entries(this.config.template).map(([name, g]) => [
      name,
      this.fieldFn(name, g, nodeId),
    ]);
    this.timeField = Object.entries(this.config.template).find(([, g]) => g.gen === 'timestamp')?.[0];
    if (this.fields.length === 0) throw new IoError('the datagen template has no fields', { nodeId });
    this.key = this.config.key === undefined ? undefined : scalar(this.config.key, `node "${nodeId}" key`);
  }

  /** Events generated so far. */
  get generated(): number {
    return this.index;
  }

  /** The next `n` events, event `i` scheduled at `scheduleOf(i)`; records without a time field get `nowMs`. */
  next(n: number, scheduleOf: (index: number) => number, nowMs?: number): EngineRecord[] {
    const out: EngineRecord[] = [];
    for (let k = 0; k < n; k++) {
      const i = this.index++;
      const at = scheduleOf(i);
      const value: Record<string, unknown> = {};
      let time = nowMs ?? at;
      for (const [name, fn] of this.fields) {
        const v = fn(i, at);
        value[name] = v;
        if (name === this.timeField) time = typeof v === 'number' ? v : Date.parse(v as string);
      }
      const record: EngineRecord = { key: null, value, timestamp: time, headers: {} };
      if (this.key) record.key = this.key(record) ?? null;
      out.push(record);
    }
    return out;
  }

  private fieldFn(name: string, g: Gen, nodeId: string): FieldFn {
    const random = this.random;
    switch (g.gen) {
      case 'sequence':
        return (i) => g.start + i;
      case 'uuid':
        return () => this.uuid();
      case 'choice':
        return choice(g.values, g.weights, random, `template.${name}`, nodeId);
      case 'int':
        return () => g.min + Math.floor(random() * (g.max - g.min + 1));
      case 'float': {
        const scale = 10 ** g.digits;
        return () => Math.round((g.min + random() * (g.max - g.min)) * scale) / scale;
      }
      case 'timestamp': {
        const jitter = g.jitter === undefined ? 0 : durationOf(g.jitter, `template.${name}.jitter`, nodeId);
        // Jitter only delays: an event is never stamped after the time it is generated.
        const time = (at: number) => (jitter > 0 ? at - Math.floor(random() * (jitter + 1)) : at);
        return g.format === 'iso8601' ? (_i, at) => new Date(time(at)).toISOString() : (_i, at) => time(at);
      }
      case 'const':
        return typeof g.value === 'object' && g.value !== null
          ? () => structuredClone(g.value)
          : () => g.value;
      case 'pattern':
        return pattern(g.pattern, random, `template.${name}`, nodeId);
    }
  }
}

function choice(
  values: Array<string | number | boolean>,
  weights: number[] | undefined,
  random: Random,
  field: string,
  nodeId: string,
): FieldFn {
  if (weights === undefined) return () => values[Math.floor(random() * values.length)];
  if (weights.length !== values.length)
    throw new IoError(`${field}.weights: give one weight per value (${values.length})`, { nodeId });
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  if (total <= 0) throw new IoError(`${field}.weights: at least one weight must be above 0`, { nodeId });
  return () => {
    const r = random() * total;
    const i = cumulative.findIndex((c) => r < c);
    return values[i === -1 ? values.length - 1 : i];
  };
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

function pattern(text: string, random: Random, field: string, nodeId: string): FieldFn {
  const parts: Array<string | FieldFn> = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const inner = m[1] as string;
    const int = /^int:(-?\d+):(-?\d+)$/.exec(inner);
    if (inner === 'seq') parts.push((i) => i + 1);
    else if (int) {
      const min = Number(int[1]);
      const max = Number(int[2]);
      if (min > max) throw new IoError(`${field}: in "{${inner}}" max is below min`, { nodeId });
      parts.push(() => min + Math.floor(random() * (max - min + 1)));
    } else {
      throw new IoError(
        `${field}: unknown placeholder "{${inner}}" in "${text}"; use {seq} or {int:MIN:MAX}`,
        { nodeId },
      );
    }
  }
  parts.push(text.slice(last));
  const pieces = parts.filter((p) => p !== '');
  return (i, at) => pieces.map((p) => (typeof p === 'string' ? p : String(p(i, at)))).join('');
}

/** `n` events of `config` scheduled from `startMs` at its rate. Pure apart from an unseeded config's randomness. */
export function generateEvents(
  config: DatagenInput | DatagenConfig,
  n: number,
  startMs: number,
): EngineRecord[] {
  const gen = new Datagen(config);
  const rate = gen.config.rate;
  return gen.next(n, (i) => Math.floor(startMs + (i * 1000) / rate));
}

export interface DatagenSourceOptions {
  sleep?: Sleep;
  /** Events per emit; default: about 10 ms worth, 1 to 1000. */
  batchSize?: number;
}

/** Paces events at `rate` against `ctx.now()`, in small batches; stops after `count` or on abort. */
export class DatagenSource implements ExternalSource {
  constructor(
    private readonly config: DatagenInput | DatagenConfig,
    private readonly options: DatagenSourceOptions = {},
  ) {}

  async run(ctx: SourceContext): Promise<void> {
    const gen = new Datagen(this.config, ctx.nodeId);
    const { rate, count } = gen.config;
    const max = count ?? Number.POSITIVE_INFINITY;
    const sleep = this.options.sleep ?? realSleep;
    const batch = this.options.batchSize ?? Math.min(1000, Math.max(1, Math.ceil(rate / 100)));
    const start = ctx.now();
    const scheduleOf = (i: number) => Math.floor(start + (i * 1000) / rate);
    while (!ctx.signal.aborted && gen.generated < max) {
      const now = ctx.now();
      const due = Math.min(max, Math.floor(((now - start) * rate) / 1000) + 1);
      if (due <= gen.generated) {
        await sleep(Math.max(1, Math.ceil(start + (gen.generated * 1000) / rate - now)), ctx.signal);
        continue;
      }
      await ctx.emit(gen.next(Math.min(due - gen.generated, batch), scheduleOf, now));
    }
    ctx.log.info('datagen stopped', { node: ctx.nodeId, events: gen.generated });
  }
}
