/**
 * @module nodes/define
 * The shape of a node kind. Every kind is declared once, in its own file under
 * `kinds/`, with `defineNode`; the JSON Schema, the validator, the palette and
 * inspector forms, the engine's operator factory and the exporter all read that
 * declaration.
 */
import { z } from 'zod';
import type { FieldType, FieldTypes, Problem } from '../spec/types';

export type NodeCategory = 'source' | 'transform' | 'window' | 'join' | 'sink';

/** A named input or output of a node. */
export interface PortDecl {
  name: string;
  label: string;
  /** An input that accepts several edges (merge); every other input takes exactly one. */
  many?: boolean;
  /** An output that need not be connected (a window's late records fall back to a late topic). */
  optional?: boolean;
  description?: string;
}

/** How a node leaves the record key: kept as it came, set by an expression, or unknown. */
export type KeyEffect =
  | { kind: 'preserve' }
  | { kind: 'set'; expr: string; type?: FieldType }
  | { kind: 'record-key'; origin: string }
  | { kind: 'none' };

/** Field types and key flowing out of a node, derived at validation time. */
export interface StreamShape {
  /** Known fields of the records, or undefined when the schema is unknown (anything goes). */
  fields: FieldTypes | undefined;
  key: KeyEffect;
}

/** What a node's semantic check sees about its inputs. */
export interface SemanticContext {
  nodeId: string;
  /** Path of the node's config from the spec root, e.g. `nodes[2].config`. */
  configPath: string;
  /** Input shapes by port name (several for a many-port). */
  inputs: Record<string, StreamShape[]>;
  /** Checks an expression and reports problems at `configPath + field`. */
  expr(
    text: unknown,
    field: string,
    opts?: { expect?: 'boolean'; aggregate?: boolean; fields?: FieldTypes | undefined },
  ): string | undefined;
  /** Checks a duration and returns it in milliseconds. */
  duration(value: unknown, field: string, opts?: { min?: number; allowZero?: boolean }): number | undefined;
  report(field: string, message: string, severity?: 'error' | 'warning'): void;
}

/** UI hints read by the palette and the inspector. */
export interface NodeUi {
  label: string;
  /** A short icon name, resolved by the renderer's icon set. */
  icon: string;
  color: string;
  /** Config fields shown first on the node card and at the top of the inspector. */
  primaryFields: string[];
}

export interface NodeExample {
  title: string;
  config: Record<string, unknown>;
}

export interface NodeDefinition<C extends z.ZodObject = z.ZodObject> {
  /** The kind as written in a spec, e.g. `window.tumbling`. */
  kind: string;
  /** Config shape version; bump it and add a migration when the config changes incompatibly. */
  version: number;
  category: NodeCategory;
  title: string;
  description: string;
  config: C;
  inputs: PortDecl[];
  /** Output ports; a function when the ports depend on the config (branch). */
  outputs: PortDecl[] | ((config: z.infer<C>) => PortDecl[]);
  ui: NodeUi;
  /**
   * Meaning checks beyond shape (a slide longer than the window, an expression of
   * the wrong type) and the shape of the stream the node emits.
   */
  semantics(config: z.infer<C>, ctx: SemanticContext): StreamShape;
  /** Config migrations by the version they upgrade from. */
  migrations?: Record<number, (config: Record<string, unknown>) => Record<string, unknown>>;
  examples?: NodeExample[];
  /** Slot for the engine's operator factory (filled by the engine). */
  runtime?: unknown;
  /** Slot for the export mapping (filled by the exporter). */
  export?: unknown;
}

export function defineNode<C extends z.ZodObject>(def: NodeDefinition<C>): NodeDefinition<C> {
  return def;
}

/** Problems are built by the validator; node files only need the type. */
export type { Problem };

// ---------------------------------------------------------------------------
// Field builders shared by node kinds, so a duration or a topic looks the same
// (and renders with the same widget) wherever it is used.

/** A duration such as `5m`, `30s`, `1h30m`, `250ms`, or a number of milliseconds. */
export function duration(description: string) {
  return z
    .union([z.string(), z.number()])
    .meta({ description, 'x-kflow-widget': 'duration', examples: ['30s', '5m', '1h'] });
}

/** An expression in kflow's expression language (see docs/expressions.md). */
export function expression(description: string, kind: 'predicate' | 'value' | 'aggregate' = 'value') {
  return z.string().meta({ description, 'x-kflow-widget': 'expression', 'x-kflow-expression': kind });
}

/** Kafka's topic name rule: 1-249 characters of [a-zA-Z0-9._-], not `.` or `..`. */
export const TOPIC_NAME = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

export function topicName(description: string) {
  return z
    .string()
    .regex(TOPIC_NAME, {
      message: 'a topic name is 1-249 characters of letters, digits, ".", "_" or "-"',
    })
    .meta({ description, 'x-kflow-widget': 'topic' });
}

/**
 * A reference to a secret kept outside the spec: the OS keychain on a desktop,
 * `KFLOW_SECRET_<NAME>_<KEY>` in the environment for the CLI, and the AWS Secrets
 * Manager secret `<name>` (JSON key `<key>`) when deployed. Literal strings are
 * accepted by the schema only so the semantic check can say what to write instead.
 */
export const secretRef = z
  .object({
    secret: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { message: 'a secret name is 1-512 of A-Za-z0-9/_+=.@-' }),
    key: z.string().min(1).max(128).optional(),
  })
  .strict()
  .meta({ description: 'a reference to a secret kept outside the spec', 'x-kflow-widget': 'secret' });

export function secret(description: string) {
  return z.union([secretRef, z.string()]).meta({ description, 'x-kflow-secret': true });
}

/** Declared field types of the records a source produces. */
export const fieldTypes = z
  .record(z.string(), z.enum(['string', 'number', 'boolean', 'timestamp', 'object', 'list', 'any']))
  .meta({ description: 'types of the record fields, for checking expressions downstream' });

/** Aggregates by output field name: `{ "total": "sum(value)", "events": "count(*)" }`. */
export const aggregates = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).meta({
  description: 'output fields computed by aggregate expressions, e.g. { "total": "sum(value)" }',
  'x-kflow-widget': 'aggregates',
});

/** Grouping: one expression or several; the key of the result. */
export const groupBy = z.union([z.string(), z.array(z.string()).min(1)]).meta({
  description: 'expression(s) that form the key; default: the record key',
  'x-kflow-widget': 'expression',
});

export const emit = z
  .enum(['final', 'update'])
  .default('final')
  .meta({ description: 'final: one result when the window closes; update: a result on every change' });

export const IN: PortDecl[] = [{ name: 'in', label: 'in' }];
export const OUT: PortDecl[] = [{ name: 'out', label: 'out' }];
