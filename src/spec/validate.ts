/**
 * @module spec/validate
 * Validation in three layers: shape (the schema), graph, and meaning. Never
 * throws: every input, however broken, comes back as problems.
 */
import type { StreamShape } from '../nodes/index';
import { checkGraph } from './graph';
import { migrateSpec } from './migrate';
import { parseSpecText } from './parse';
import { hasErrors, problem } from './problems';
import { checkEnvelope, checkNodeConfig } from './schema';
import { checkSemantics } from './semantics';
import type { PipelineSpec, Problem } from './types';

export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  problems: Problem[];
  /** The spec in the current format with defaults filled in, when its envelope is sound. */
  spec?: PipelineSpec;
  /** The format the spec was written in, when it was upgraded on load. */
  migratedFrom?: number;
  /** Fields and key of the stream leaving each node, where known. */
  shapes?: Map<string, StreamShape>;
}

/** Validates spec file contents (text or bytes). */
export function validateSpecText(input: string | Uint8Array): ValidationResult {
  const parsed = safe(() => parseSpecText(input));
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return validateSpec(parsed.value);
}

/** Validates an already parsed JSON value. */
export function validateSpec(value: unknown): ValidationResult {
  return safe(() => {
    const problems: Problem[] = [];
    const migrated = migrateSpec(value, problems);
    if (hasErrors(problems)) return { ok: false, problems };
    const envelope = checkEnvelope(migrated.value, problems);
    if (!envelope) return { ok: false, problems };
    const configs = new Map<string, Record<string, unknown>>();
    envelope.nodes.forEach((node, i) => {
      const config = checkNodeConfig(node, i, problems);
      if (config && !configs.has(node.id)) configs.set(node.id, config);
    });
    const graph = checkGraph(envelope, configs, problems);
    const shapes = checkSemantics(envelope, configs, graph, problems);
    const spec: PipelineSpec = {
      ...envelope,
      nodes: envelope.nodes.map((n) => ({ ...n, config: configs.get(n.id) ?? n.config })),
    };
    const result: ValidationResult = { ok: !hasErrors(problems), problems, spec, shapes };
    if (migrated.migratedFrom !== undefined) result.migratedFrom = migrated.migratedFrom;
    return result;
  });
}

function safe<T>(fn: () => T): T | { ok: false; problems: Problem[] } {
  try {
    return fn();
  } catch (err) {
    // Reaching this is a kflow bug; still answer with a problem rather than a crash.
    const message =
      err instanceof RangeError
        ? 'the spec is too large or too deeply nested to check'
        : `internal error: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, problems: [problem('error', null, '', message)] };
  }
}
