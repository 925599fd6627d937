/**
 * @module engine/operators/transforms
 * Stateless transforms: filter, map, rekey, explode, branch, merge.
 */
import { str, stringList, stringMap, strOr } from './config';
import { scalar, type RecordFn } from './expr';
import { deletePath, getPath, hasPath, isObject, setPath, type JsonObject } from './paths';
import type { EngineRecord, Operator, OperatorContext } from './types';
import type { StateStore } from '../state/types';

/** Base for operators without state or time-driven output. */
abstract class Stateless implements Operator {
  constructor(
    readonly nodeId: string,
    readonly kind: string,
  ) {}
  abstract process(record: EngineRecord, ctx: OperatorContext, port: string): void;
  onWatermark(): void {}
  stores(): readonly StateStore[] {
    return [];
  }
}

/** Keeps records whose condition is TRUE; FALSE and NULL drop them (SQL WHERE). */
export class FilterOperator extends Stateless {
  private readonly where: RecordFn;
  constructor(nodeId: string, config: Record<string, unknown>) {
    super(nodeId, 'filter');
    this.where = scalar(str(config, 'where') ?? 'TRUE', 'where');
  }
  process(r: EngineRecord, ctx: OperatorContext): void {
    if (this.where(r) === true) ctx.emit('out', r);
  }
}

/** set (in order, each seeing the previous), rename, drop, keep — in that order. */
export class MapOperator extends Stateless {
  private readonly set: Array<[string, RecordFn]>;
  private readonly rename: Array<[string, string]>;
  private readonly drop: string[];
  private readonly keep: string[] | undefined;

  constructor(nodeId: string, config: Record<string, unknown>) {
    super(nodeId, 'map');
    this.set = Object.entries(stringMap(config, 'set')).map(([k, e]) => [k, scalar(e, `set.${k}`)]);
    this.rename = Object.entries(stringMap(config, 'rename'));
    this.drop = stringList(config, 'drop') ?? [];
    this.keep = stringList(config, 'keep');
    const names = [...this.set.map(([f]) => f), ...this.rename.flat(), ...this.drop];
    this.flat = names.every((n) => !n.includes('.') && n !== '__proto__');
  }

  /** Every set, rename and drop names a top-level field: one copy, changed in place. */
  private readonly flat: boolean;

  private flatSetRenameDrop(r: EngineRecord, value: JsonObject): JsonObject {
    let v: JsonObject = { ...value };
    if (this.set.length > 0) {
      // Each expression sees the value as the previous `set` left it: the copy itself.
      const view = { ...r, value: v };
      for (const [field, fn] of this.set) {
        const x = fn(view);
        // The value object itself as a field would make a cycle; a snapshot is what setPath gave.
        v[field] = x === v ? { ...v } : x;
      }
    }
    for (const [from, to] of this.rename) if (Object.hasOwn(v, from)) v = renamed(v, from, to, v[from]);
    if (Object.hasOwn(v, '__proto__')) for (const f of this.drop) v = deletePath(v, f);
    else if (this.drop.some((f) => Object.hasOwn(v, f))) {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) if (!this.drop.includes(k)) out[k] = v[k];
      v = out;
    }
    return v;
  }

  /** set, rename and drop on dotted paths, copy-on-write at every step. */
  private setRenameDrop(r: EngineRecord, value: JsonObject): JsonObject {
    let v = value;
    for (const [field, fn] of this.set) v = setPath(v, field, fn({ ...r, value: v }));
    for (const [from, to] of this.rename) {
      if (!hasPath(v, from)) continue;
      const moved = getPath(v, from);
      v = setPath(deletePath(v, from), to, moved);
    }
    for (const field of this.drop) v = deletePath(v, field);
    return v;
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    if (!isObject(r.value)) throw new Error('map needs a record whose value is an object');
    let v: JsonObject = this.flat ? this.flatSetRenameDrop(r, r.value) : this.setRenameDrop(r, r.value);
    if (this.keep) {
      let kept: JsonObject = {};
      for (const field of this.keep) if (hasPath(v, field)) kept = setPath(kept, field, getPath(v, field));
      v = kept;
    }
    ctx.emit('out', { ...r, value: v });
  }
}

/**
 * `v` with the top-level field `from` moved to `to`, as deletePath then setPath order it (`to` at
 * its place when it exists, else last), in one copy that stays a fast-properties object.
 */
function renamed(v: JsonObject, from: string, to: string, moved: unknown): JsonObject {
  // Assigning `__proto__` would set the prototype instead of a field: the spreading path then.
  if (to === '__proto__' || Object.hasOwn(v, '__proto__')) return setPath(deletePath(v, from), to, moved);
  const out: JsonObject = {};
  for (const k of Object.keys(v)) if (k !== from) out[k] = v[k];
  out[to] = moved;
  return out;
}

export class RekeyOperator extends Stateless {
  private readonly key: RecordFn;
  constructor(nodeId: string, config: Record<string, unknown>) {
    super(nodeId, 'rekey');
    this.key = scalar(str(config, 'key') ?? '_key', 'key');
  }
  process(r: EngineRecord, ctx: OperatorContext): void {
    ctx.emit('out', { ...r, key: this.key(r) });
  }
}

/** One output per list element; an empty or missing (NULL) list emits nothing, a non-list is an error. */
export class ExplodeOperator extends Stateless {
  private readonly list: RecordFn;
  private readonly as: string;
  private readonly index: string | undefined;

  constructor(nodeId: string, config: Record<string, unknown>) {
    super(nodeId, 'explode');
    this.list = scalar(str(config, 'list') ?? 'NULL', 'list');
    this.as = str(config, 'as') ?? 'item';
    this.index = str(config, 'index');
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const list = this.list(r);
    if (list === null || list === undefined) return;
    if (!Array.isArray(list)) throw new Error(`explode: the list expression gave ${typeof list}, not a list`);
    const base: JsonObject = isObject(r.value) ? r.value : {};
    list.forEach((el: unknown, i) => {
      const v: JsonObject = { ...base, [this.as]: el };
      if (this.index !== undefined) v[this.index] = i;
      ctx.emit('out', { ...r, value: v });
    });
  }
}

/** First route whose condition is TRUE, else `otherwise`. */
export class BranchOperator extends Stateless {
  private readonly routes: Array<{ name: string; where: RecordFn }>;
  private readonly otherwise: string;

  constructor(nodeId: string, config: Record<string, unknown>) {
    super(nodeId, 'branch');
    const routes = Array.isArray(config['routes'])
      ? (config['routes'] as Array<{ name: string; where: string }>)
      : [];
    this.routes = routes.map((r) => ({ name: r.name, where: scalar(r.where, `routes.${r.name}`) }));
    this.otherwise = strOr(config, 'otherwise', 'otherwise');
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    // Evaluate before emitting so a failing condition dead-letters the record without a partial route.
    let port = this.otherwise;
    for (const route of this.routes) {
      if (route.where(r) === true) {
        port = route.name;
        break;
      }
    }
    ctx.emit(port, r);
  }
}

/** Interleaves its inputs in arrival order; keys are kept. */
export class MergeOperator extends Stateless {
  constructor(nodeId: string) {
    super(nodeId, 'merge');
  }
  process(r: EngineRecord, ctx: OperatorContext): void {
    ctx.emit('out', r);
  }
}
