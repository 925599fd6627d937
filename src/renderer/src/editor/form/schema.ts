/**
 * The JSON Schema of each node kind's config, generated from the registry's zod schema the
 * same way `src/spec/json-schema.ts` does for the spec file, and the widget each property gets.
 */
import { z } from 'zod';
import { getNodeKind } from '../../../../nodes/index';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  'x-kflow-widget'?: string;
  'x-kflow-expression'?: 'predicate' | 'value' | 'aggregate';
  'x-kflow-secret'?: boolean;
}

const cache = new Map<string, JsonSchema | null>();

export function configSchema(kind: string): JsonSchema | null {
  if (cache.has(kind)) return cache.get(kind) ?? null;
  const def = getNodeKind(kind);
  let schema: JsonSchema | null = null;
  if (def) {
    try {
      schema = z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      schema = null;
    }
  }
  cache.set(kind, schema);
  return schema;
}

export type Widget =
  | 'duration'
  | 'expression'
  | 'topic'
  | 'enum'
  | 'boolean'
  | 'number'
  | 'string'
  | 'string-list'
  | 'object'
  | 'object-list'
  | 'string-map'
  | 'json';

function types(s: JsonSchema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

/** The control a property gets, given its schema and current value. */
export function widgetFor(s: JsonSchema, value: unknown): Widget {
  const w = s['x-kflow-widget'];
  if (w === 'duration') return 'duration';
  if (w === 'topic') return 'topic';
  if (w === 'expression' && (value === undefined || typeof value === 'string')) return 'expression';
  if (s['x-kflow-secret'] || w === 'secret') return 'json';
  const t = types(s);
  if (s.enum && s.enum.every((e) => typeof e === 'string')) return 'enum';
  if (t.length === 1) {
    switch (t[0]) {
      case 'boolean':
        return 'boolean';
      case 'number':
      case 'integer':
        return 'number';
      case 'string':
        return 'string';
      case 'array':
        if (s.items && types(s.items).join() === 'string' && !s.items.enum) return 'string-list';
        if (s.items?.properties && (value === undefined || Array.isArray(value))) return 'object-list';
        return 'json';
      case 'object':
        if (s.properties && (value === undefined || isPlainObject(value))) return 'object';
        if (
          !s.properties &&
          typeof s.additionalProperties === 'object' &&
          types(s.additionalProperties).join() === 'string' &&
          (value === undefined || isPlainObject(value))
        )
          return 'string-map';
        return 'json';
    }
  }
  return 'json';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Property names in the order the inspector shows them: the kind's primary fields first. */
export function orderedProperties(kind: string, schema: JsonSchema): string[] {
  const all = Object.keys(schema.properties ?? {});
  const primary = getNodeKind(kind)?.ui.primaryFields.filter((f) => all.includes(f)) ?? [];
  return [...primary, ...all.filter((f) => !primary.includes(f))];
}
