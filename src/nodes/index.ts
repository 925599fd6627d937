/**
 * @module nodes
 * The node registry: every node kind kflow knows, in palette order. Adding a kind
 * is adding its file under `kinds/` and one line here; the JSON Schema, the docs,
 * the validator and the palette all read this list.
 */
import type { NodeDefinition } from './define';
import sourceTopic from './kinds/source-topic';
import sourceDatagen from './kinds/source-datagen';
import sourceFile from './kinds/source-file';
import sourceCdcMysql from './kinds/source-cdc-mysql';
import filter from './kinds/filter';
import map from './kinds/map';
import rekey from './kinds/rekey';
import explode from './kinds/explode';
import branch from './kinds/branch';
import merge from './kinds/merge';
import dedupe from './kinds/dedupe';
import windowTumbling from './kinds/window-tumbling';
import windowHopping from './kinds/window-hopping';
import windowSession from './kinds/window-session';
import aggregate from './kinds/aggregate';
import joinStreamStream from './kinds/join-stream-stream';
import joinStreamTable from './kinds/join-stream-table';
import sinkTopic from './kinds/sink-topic';
import sinkS3 from './kinds/sink-s3';
import sinkFile from './kinds/sink-file';
import sinkConsole from './kinds/sink-console';

// The config type parameter is erased here: consumers read configs through the schema.
const NODE_KINDS: readonly NodeDefinition[] = [
  sourceTopic,
  sourceDatagen,
  sourceFile,
  sourceCdcMysql,
  filter,
  map,
  rekey,
  explode,
  branch,
  merge,
  dedupe,
  windowTumbling,
  windowHopping,
  windowSession,
  aggregate,
  joinStreamStream,
  joinStreamTable,
  sinkTopic,
  sinkS3,
  sinkFile,
  sinkConsole,
] as unknown as readonly NodeDefinition[];

const BY_KIND = new Map<string, NodeDefinition>();
for (const def of NODE_KINDS) {
  if (BY_KIND.has(def.kind)) throw new Error(`node kind "${def.kind}" is registered twice`);
  BY_KIND.set(def.kind, def);
}

export function listNodeKinds(): readonly NodeDefinition[] {
  return NODE_KINDS;
}

export function getNodeKind(kind: string): NodeDefinition | undefined {
  return BY_KIND.get(kind);
}

/** Output ports of a node, which for some kinds depend on its config. */
export function outputPorts(def: NodeDefinition, config: unknown) {
  return typeof def.outputs === 'function' ? def.outputs(config as never) : def.outputs;
}

export type { NodeDefinition, PortDecl, StreamShape, KeyEffect, SemanticContext } from './define';
