/**
 * @module spec/semantics
 * The meaning layer: expressions parse and have the right types, durations parse,
 * windows and joins have keys, join sides are keyed alike, and no secret is
 * written into the spec. Runs node kinds' own checks in graph order, so each
 * node sees the fields and key its inputs carry.
 */
import { analyzeExpression, isAggregate } from '../expr/index';
import { getNodeKind, type SemanticContext, type StreamShape } from '../nodes/index';
import { UNKNOWN_SHAPE } from '../nodes/shape';
import { parseDuration } from './duration';
import type { PipelineGraph } from './graph';
import { joinPath, problem } from './problems';
import type { FieldTypes, PipelineSpec, Problem } from './types';

export function checkSemantics(
  spec: PipelineSpec,
  configs: Map<string, Record<string, unknown>>,
  graph: PipelineGraph,
  problems: Problem[],
): Map<string, StreamShape> {
  const shapes = new Map<string, StreamShape>();
  const indexOf = new Map(spec.nodes.map((n, i) => [n.id, i]));
  for (const id of graph.order) {
    const index = indexOf.get(id) as number;
    const node = spec.nodes[index];
    const def = node && getNodeKind(node.kind);
    const config = configs.get(id);
    if (!node || !def || !config) continue;
    const inputs: Record<string, StreamShape[]> = {};
    for (const e of graph.edges) {
      if (e.to !== id) continue;
      (inputs[e.toPort] ??= []).push(portShape(e.from, e.fromPort, shapes, graph));
    }
    const ctx = makeContext(id, `nodes[${index}].config`, inputs, problems);
    try {
      shapes.set(id, def.semantics(config as never, ctx));
    } catch (err) {
      // A node's check must never take the validator down; say which node broke it.
      problems.push(
        problem(
          'error',
          id,
          `nodes[${index}]`,
          `internal error while checking this node: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
      shapes.set(id, UNKNOWN_SHAPE);
    }
  }
  spec.nodes.forEach((node, i) => findLiteralSecrets(node.config, `nodes[${i}].config`, node.id, problems));
  return shapes;
}

/** A window's late output carries the window's input records, not its results. */
function portShape(
  from: string,
  port: string,
  shapes: Map<string, StreamShape>,
  graph: PipelineGraph,
): StreamShape {
  if (port === 'late') {
    const feeding = graph.edges.find((e) => e.to === from);
    return feeding ? portShape(feeding.from, feeding.fromPort, shapes, graph) : UNKNOWN_SHAPE;
  }
  return shapes.get(from) ?? UNKNOWN_SHAPE;
}

function makeContext(
  nodeId: string,
  configPath: string,
  inputs: Record<string, StreamShape[]>,
  problems: Problem[],
): SemanticContext {
  const report = (field: string, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push(problem(severity, nodeId, joinPath(configPath, field), message));
  return {
    nodeId,
    configPath,
    inputs,
    report,
    expr(text, field, opts = {}) {
      if (typeof text !== 'string') {
        report(field, 'expected an expression (a string)');
        return undefined;
      }
      const fields: FieldTypes | undefined = 'fields' in opts ? opts.fields : inputs['in']?.[0]?.fields;
      const result = analyzeExpression(text, {
        fields,
        allowAggregates: opts.aggregate === true,
        ...(opts.expect ? { expect: opts.expect } : {}),
      });
      for (const e of result.errors) {
        const where = text.includes('\n') ? `line ${e.line}, column ${e.column}` : `column ${e.column}`;
        report(field, /column \d+/.test(e.message) ? e.message : `${e.message} (${where})`);
      }
      if (result.errors.length > 0) return undefined;
      if (opts.aggregate && result.ast && !isAggregate(result.ast)) {
        report(field, `"${text}" is not an aggregate; use one such as sum(x), count(*), avg(x), max(x)`);
      }
      return typeName(result.type);
    },
    duration(value, field, opts = {}) {
      const d = parseDuration(value);
      if (!d.ok) {
        report(field, d.message);
        return undefined;
      }
      if (d.ms === 0 && !opts.allowZero && opts.min === undefined) report(field, 'must be longer than zero');
      else if (opts.min !== undefined && d.ms < opts.min)
        report(field, d.ms === 0 ? 'must be longer than zero' : `must be at least ${opts.min} ms`);
      return d.ms;
    },
  };
}

function typeName(type: unknown): string | undefined {
  if (typeof type === 'string') return type;
  if (type && typeof type === 'object' && 'kind' in type) return String((type as { kind: unknown }).kind);
  return undefined;
}

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)s?$/i;
const SECRET_VALUE = [
  { re: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
];

/** Secrets are references (`{ "secret": "name" }`), never literal values. */
export function findLiteralSecrets(
  value: unknown,
  path: string,
  nodeId: string | null,
  problems: Problem[],
): void {
  const stack: { value: unknown; path: string; key: string }[] = [{ value, path, key: '' }];
  while (stack.length > 0) {
    const cur = stack.pop() as { value: unknown; path: string; key: string };
    if (typeof cur.value === 'string') {
      if (cur.key && SECRET_KEY.test(cur.key) && cur.value !== '') {
        problems.push(
          problem(
            'error',
            nodeId,
            cur.path,
            `"${cur.key}" holds a literal secret; write a reference like { "secret": "my-db", "key": "${cur.key}" } and keep the value in the keychain, the environment or AWS Secrets Manager`,
          ),
        );
      } else {
        for (const s of SECRET_VALUE) {
          if (s.re.test(cur.value))
            problems.push(
              problem('error', nodeId, cur.path, `this looks like ${s.what}; secrets never go in a spec`),
            );
        }
      }
    } else if (Array.isArray(cur.value)) {
      cur.value.forEach((v, i) => stack.push({ value: v, path: `${cur.path}[${i}]`, key: cur.key }));
    } else if (cur.value !== null && typeof cur.value === 'object' && !isSecretRef(cur.value)) {
      for (const [k, v] of Object.entries(cur.value))
        stack.push({
          value: v,
          path: joinPath(cur.path, /^[A-Za-z_$][\w$-]*$/.test(k) ? k : `[${JSON.stringify(k)}]`),
          key: k,
        });
    }
  }
}

/** `{ "secret": "name", "key"?: "field" }`: the one allowed way to name a secret. */
function isSecretRef(value: object): boolean {
  const keys = Object.keys(value);
  return (
    typeof (value as { secret?: unknown }).secret === 'string' &&
    keys.every((k) => k === 'secret' || k === 'key')
  );
}
