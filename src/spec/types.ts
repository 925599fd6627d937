/**
 * @module spec/types
 * The pipeline spec as written in a `.json` file, and the problems the validator
 * reports about it.
 */

/** The spec version this build writes. Older versions are migrated on load. */
export const SPEC_VERSION = 1;

export type FieldType = 'string' | 'number' | 'boolean' | 'timestamp' | 'object' | 'list' | 'any';
export type FieldTypes = Record<string, FieldType>;

export interface SpecNode {
  id: string;
  kind: string;
  /** Config shape version of the node kind; defaults to the current one. */
  version?: number;
  /** A display name; the id is what edges and problems use. */
  name?: string;
  description?: string;
  config: Record<string, unknown>;
  ui?: { x: number; y: number };
}

export interface SpecEdge {
  /** `nodeId` or `nodeId.port` (the port defaults to `out`). */
  from: string;
  /** `nodeId` or `nodeId.port` (the port defaults to `in`). */
  to: string;
}

export interface PipelineSpec {
  kflow: number;
  name: string;
  description?: string;
  /** The name of a connection profile; never the connection details or secrets themselves. */
  connection?: string;
  nodes: SpecNode[];
  edges: SpecEdge[];
}

export type Severity = 'error' | 'warning';

/**
 * One thing wrong with a spec. `nodeId` is null for problems of the spec as a
 * whole; `path` is a dotted path from the spec root (`nodes[2].config.size`,
 * `edges[0].to`), empty for the file itself.
 */
export interface Problem {
  severity: Severity;
  nodeId: string | null;
  path: string;
  message: string;
}
