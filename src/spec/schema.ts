/**
 * @module spec/schema
 * The shape layer: the spec envelope and each node's config against its kind's
 * schema. Turns zod's issues into problems a person can act on.
 */
import { z } from 'zod';
import { getNodeKind, listNodeKinds } from '../nodes/index';
import { closest, formatPath, joinPath, problem } from './problems';
import { SPEC_VERSION, type PipelineSpec, type Problem, type SpecNode } from './types';

export const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Pipeline names end up in topic, consumer group and AWS resource names. */
export const PIPELINE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const nodeSchema = z
  .object({
    id: z
      .string()
      .regex(NODE_ID, { message: 'a node id starts with a letter and has up to 64 letters, digits, _ or -' }),
    kind: z.string(),
    version: z.number().int().min(1).optional(),
    name: z.string().max(200).optional(),
    description: z.string().max(5000).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    ui: z.object({ x: z.number(), y: z.number() }).strict().optional(),
  })
  .strict();

const edgeSchema = z
  .object({
    from: z.string().min(1).meta({ description: 'nodeId or nodeId.port' }),
    to: z.string().min(1).meta({ description: 'nodeId or nodeId.port' }),
  })
  .strict();

export const envelopeSchema = z
  .object({
    kflow: z.literal(SPEC_VERSION).meta({ description: 'spec format version' }),
    name: z.string().regex(PIPELINE_NAME, {
      message:
        'a pipeline name is 1-63 lowercase letters, digits and hyphens, starting with a letter or digit',
    }),
    description: z.string().max(5000).optional(),
    connection: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'name of a connection profile (never its secrets)' }),
    nodes: z.array(nodeSchema).max(5000),
    edges: z.array(edgeSchema).max(20000),
  })
  .strict();

/** Checks the envelope; returns the spec when its shape allows the next layers to run. */
export function checkEnvelope(value: unknown, problems: Problem[]): PipelineSpec | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(problem('error', null, '', `a spec is a JSON object, not ${describe(value)}`));
    return undefined;
  }
  const result = envelopeSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data as PipelineSpec;
  const nodes = (value as { nodes?: unknown }).nodes;
  for (const issue of result.error.issues)
    problems.push(...issueProblems(issue, [], nodeIdAt(nodes, issue.path), envelopeSchema));
  return undefined;
}

/**
 * Checks one node's kind and config; returns the config with defaults applied,
 * or undefined when the node cannot be checked further.
 */
export function checkNodeConfig(
  node: SpecNode,
  index: number,
  problems: Problem[],
): Record<string, unknown> | undefined {
  const base = `nodes[${index}]`;
  const def = getNodeKind(node.kind);
  if (!def) {
    const hint = closest(
      node.kind,
      listNodeKinds().map((d) => d.kind),
    );
    problems.push(
      problem(
        'error',
        node.id,
        `${base}.kind`,
        `unknown node kind "${node.kind}"${hint ? `; did you mean "${hint}"?` : ''}`,
      ),
    );
    return undefined;
  }
  if (node.version !== undefined && node.version > def.version) {
    problems.push(
      problem(
        'error',
        node.id,
        `${base}.version`,
        `${def.kind} version ${node.version} is newer than this kflow knows (${def.version})`,
      ),
    );
    return undefined;
  }
  const result = def.config.safeParse(node.config, { reportInput: true });
  if (result.success) return result.data as Record<string, unknown>;
  for (const issue of result.error.issues)
    problems.push(...issueProblems(issue, ['nodes', index, 'config'], node.id, def.config));
  return undefined;
}

type Issue = z.core.$ZodIssue;

function issueProblems(
  issue: Issue,
  prefix: (string | number)[],
  nodeId: string | null,
  schema?: z.ZodType,
): Problem[] {
  const at = [...prefix, ...(issue.path as (string | number)[])];
  const path = formatPath(at);
  const field = issue.path.length ? String(issue.path[issue.path.length - 1]) : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, issue.path as (string | number)[]);
      return issue.keys.map((key) => {
        const hint = known ? closest(key, known) : undefined;
        return problem(
          'error',
          nodeId,
          joinPath(path, formatPath([key])),
          `unknown field "${key}"${hint ? `; did you mean "${hint}"?` : ''}`,
        );
      });
    }
    case 'invalid_type': {
      const received = (issue as { input?: unknown }).input;
      if (received === undefined) return [problem('error', nodeId, path, `"${field}" is required`)];
      return [
        problem('error', nodeId, path, `expected ${article(issue.expected)}, got ${describe(received)}`),
      ];
    }
    case 'invalid_value':
      return [
        problem(
          'error',
          nodeId,
          path,
          `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`,
        ),
      ];
    case 'invalid_union': {
      const disc = (issue as { note?: string; discriminator?: string }).discriminator;
      if (disc) return [problem('error', nodeId, joinPath(path, disc), `unknown or missing "${disc}"`)];
      // Report the closest alternative's problems rather than a bare "no match".
      const branches = (issue as { errors?: Issue[][] }).errors ?? [];
      const best = [...branches].sort((a, b) => a.length - b.length)[0];
      if (best && best.length > 0)
        return best.flatMap((i) =>
          issueProblems({ ...i, path: [...issue.path, ...i.path] } as Issue, prefix, nodeId, schema),
        );
      return [problem('error', nodeId, path, 'does not match any allowed form')];
    }
    default:
      return [problem('error', nodeId, path, lowerFirst(issue.message))];
  }
}

function knownKeys(schema: z.ZodType | undefined, path: (string | number)[]): string[] | undefined {
  let s: unknown = schema;
  for (const p of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, unknown>)[String(p)];
    else if (s instanceof z.ZodRecord) s = s.valueType;
    else if (s instanceof z.ZodArray) s = s.element;
    else return undefined;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : undefined;
}

function unwrap(s: unknown): unknown {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    if (
      cur instanceof z.ZodOptional ||
      cur instanceof z.ZodDefault ||
      cur instanceof z.ZodNullable ||
      cur instanceof z.ZodPrefault
    )
      cur = cur.unwrap();
    else break;
  }
  return cur;
}

function nodeIdAt(nodes: unknown, path: readonly PropertyKey[]): string | null {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number' || !Array.isArray(nodes)) return null;
  const node = nodes[path[1]] as { id?: unknown } | undefined;
  return node && typeof node.id === 'string' && NODE_ID.test(node.id) ? node.id : null;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string ("${value.slice(0, 37)}...")` : `a string ("${value}")`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    array: 'a list',
    object: 'an object',
    int: 'a whole number',
    integer: 'a whole number',
  };
  return names[type] ?? `a ${type}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
