/**
 * @module spec/migrate
 * Loads specs written by older kflow versions. Each step upgrades one version;
 * steps run in order until the spec is current.
 *
 * Version 0 was the editor's first save format, shaped like React Flow's own
 * state: nodes `{ id, type, position, data: { config, label } }` and edges
 * `{ source, sourceHandle, target, targetHandle }`. Version 1 names things in
 * the user's words (kind, config, from/to with `node.port`).
 */
import { problem } from './problems';
import { SPEC_VERSION, type Problem } from './types';

type Json = Record<string, unknown>;

const STEPS: Record<number, (spec: Json) => Json> = {
  0: (spec) => {
    const nodes = Array.isArray(spec['nodes']) ? spec['nodes'] : [];
    const edges = Array.isArray(spec['edges']) ? spec['edges'] : [];
    const { nodes: _n, edges: _e, ...rest } = spec;
    return {
      ...rest,
      kflow: 1,
      nodes: nodes.map((n: Json) => {
        if (!isObject(n)) return n;
        const { type, data, position, ...other } = n;
        const d = isObject(data) ? data : {};
        const out: Json = { ...other, kind: type, config: d['config'] ?? {} };
        if (typeof d['label'] === 'string') out['name'] = d['label'];
        if (isObject(position)) out['ui'] = { x: position['x'], y: position['y'] };
        return out;
      }),
      edges: edges.map((e: Json) => {
        if (!isObject(e)) return e;
        const end = (node: unknown, handle: unknown) =>
          typeof handle === 'string' && handle ? `${node}.${handle}` : node;
        return { from: end(e['source'], e['sourceHandle']), to: end(e['target'], e['targetHandle']) };
      }),
    };
  },
};

export interface MigrationResult {
  value: unknown;
  /** The version the spec was written in, when it was older than the current one. */
  migratedFrom?: number;
}

export function migrateSpec(value: unknown, problems: Problem[]): MigrationResult {
  if (!isObject(value)) return { value };
  const version = value['kflow'];
  if (version === undefined) {
    problems.push(
      problem(
        'error',
        null,
        'kflow',
        `"kflow" is required: the spec format version, ${SPEC_VERSION} for this kflow`,
      ),
    );
    return { value };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    problems.push(
      problem(
        'error',
        null,
        'kflow',
        `"kflow" is the spec format version, a whole number like ${SPEC_VERSION}`,
      ),
    );
    return { value };
  }
  if (version > SPEC_VERSION) {
    problems.push(
      problem(
        'error',
        null,
        'kflow',
        `this spec was written by a newer kflow (format ${version}); this one reads formats up to ${SPEC_VERSION}`,
      ),
    );
    return { value };
  }
  let spec: Json = value;
  for (let v = version; v < SPEC_VERSION; v++) {
    const step = STEPS[v];
    if (!step) {
      problems.push(problem('error', null, 'kflow', `format ${v} cannot be read by this kflow`));
      return { value };
    }
    spec = step(spec);
  }
  if (version === SPEC_VERSION) return { value: spec };
  problems.push(
    problem(
      'warning',
      null,
      'kflow',
      `this spec is in format ${version} and was upgraded to format ${SPEC_VERSION}; save it to keep the new format`,
    ),
  );
  return { value: spec, migratedFrom: version };
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
