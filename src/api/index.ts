/**
 * @module api
 * The one typed API between the UI and the backend. The renderer calls it through a
 * transport (Electron IPC via the preload bridge, or HTTP + WebSocket in `kflow web`); the
 * backend (`src/server/`) implements it once for both. Everything here is JSON-safe: no
 * bigint (offsets travel as decimal strings), no Buffer, no class instances.
 *
 * This module is part of the common layer: types and pure helpers only, no `node:*` import.
 */
import type { PipelineSpec, Problem } from '../spec/types';

// ─── Pipelines ──────────────────────────────────────────────────────────────

/** A spec as the editor holds it: the file it came from (null when unsaved), its text and what validation said. */
export interface SpecDocument {
  path: string | null;
  text: string;
  /** The parsed (and migrated) spec, or null when the text is not a spec at all. */
  spec: PipelineSpec | null;
  problems: Problem[];
}

export interface ExampleInfo {
  /** File name without `.json`, e.g. `clickstream-ingest`. */
  id: string;
  name: string;
  description: string;
  nodeCount: number;
}

export interface RecentFile {
  path: string;
  name: string;
  openedAt: number;
}

export interface PipelinesApi {
  /** An empty spec with a fresh name. */
  create(name?: string): Promise<SpecDocument>;
  /** Reads a spec file (migrating old formats) and validates it. */
  open(path: string): Promise<SpecDocument>;
  /** Writes the spec, pretty-printed, and returns what was written. Refuses specs that embed secrets. */
  save(path: string, spec: PipelineSpec): Promise<SpecDocument>;
  /** The full three-layer validation, as `kflow validate` does it. */
  validate(specOrText: PipelineSpec | string): Promise<SpecDocument>;
  examples(): Promise<ExampleInfo[]>;
  openExample(id: string): Promise<SpecDocument>;
  recent(): Promise<RecentFile[]>;
}

// ─── Connections ────────────────────────────────────────────────────────────

/** A connection as the UI lists it; never carries a secret. */
export interface ConnectionInfo {
  /** `embedded` is the built-in broker the backend starts on demand. */
  name: string;
  kind: 'embedded' | 'profile';
  bootstrap: string[];
  /** `none`, `tls`, `mtls`, `sasl-plain`, `sasl-scram-sha-512`, `aws-iam`. */
  auth: string;
  /** Names of secrets the profile refers to and whether each one is set. */
  secrets: { name: string; set: boolean }[];
}

export interface ConnectionsApi {
  list(): Promise<ConnectionInfo[]>;
  /** Saves a profile (the connection-profile JSON shape); secrets go to the OS keychain, never into the file. */
  save(profile: unknown, secrets?: Record<string, string>): Promise<ConnectionInfo>;
  remove(name: string): Promise<void>;
  /** Connects and lists topics; resolves with the broker count or rejects with a typed, readable error. */
  test(name: string): Promise<{ brokers: number; topics: number; ms: number }>;
}

// ─── Runs ───────────────────────────────────────────────────────────────────

export type Guarantee = 'at-least-once' | 'exactly-once';
export type RunState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface RunStartRequest {
  spec: PipelineSpec;
  /** A connection name from `connections.list()`; `embedded` by default. */
  connection?: string;
  guarantee?: Guarantee;
  fromBeginning?: boolean;
  /** The spec's file when it has one: relative paths of file sources and sinks resolve against its folder. */
  specPath?: string;
}

export interface RunInfo {
  runId: string;
  pipeline: string;
  connection: string;
  state: RunState;
  startedAt: number;
  stoppedAt?: number;
  /** Why the run failed (state `failed`). */
  error?: string;
  /** Topics the run created or uses, from the plan (internal ones marked). */
  topics: { name: string; partitions: number; internal: boolean }[];
}

/** `${from}->${to}` with both ends fully qualified (`node.port`), as in `edgeKey()`. */
export type EdgeKey = string;

export interface NodeStats {
  in: number;
  out: number;
  /** Records in per second over the last interval. */
  rate: number;
  late: number;
  errors: number;
  stateEntries: number;
  stateBytes: number;
}

export interface EdgeStats {
  count: number;
  rate: number;
}

/** A record as the UI shows it: key and value decoded for display (JSON where they parse). */
export interface SampleRecord {
  key: string | null;
  value: unknown;
  timestamp: number;
  headers?: Record<string, string>;
}

/** One metrics batch of a run; the backend pushes these at most a few times per second. */
export interface RunMetricsView {
  runId: string;
  at: number;
  nodes: Record<string, NodeStats>;
  edges: Record<EdgeKey, EdgeStats>;
  /** The newest records that crossed each edge (bounded per edge). */
  samples: Record<EdgeKey, SampleRecord[]>;
  /** Consumer lag summed over the source partitions. */
  lag: number;
  recordsIn: number;
  recordsOut: number;
  inRate: number;
  outRate: number;
  deadLetters: number;
  late: number;
  /** Topic names where dead letters and late records go, for links to the topic views. */
  deadLetterTopic?: string;
  lateTopics?: string[];
}

export interface RunLogLine {
  runId: string;
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface RunsApi {
  start(req: RunStartRequest): Promise<RunInfo>;
  stop(runId: string): Promise<RunInfo>;
  list(): Promise<RunInfo[]>;
  /** The latest metrics and the recent log of a run (for a view opened mid-run). */
  snapshot(runId: string): Promise<{ run: RunInfo; metrics: RunMetricsView | null; log: RunLogLine[] }>;
}

// ─── Topics (the topic tools) ───────────────────────────────────────────────

export interface TopicListItem {
  name: string;
  partitions: number;
  /** Decimal string (offsets are 64-bit). */
  records: string;
}

export interface TopicPartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  low: string;
  high: string;
}

export interface TopicView {
  name: string;
  partitions: TopicPartitionView[];
  config: Record<string, string>;
  /** Every config as the broker reports it, defaults marked (config above holds the values). */
  configs?: TopicConfigView[];
}

/** A topic config as DescribeConfigs reports it. */
export interface TopicConfigView {
  name: string;
  /** Null for a sensitive config. */
  value: string | null;
  isDefault: boolean;
  /** Kafka's source name: `DYNAMIC_TOPIC_CONFIG` (set on the topic), `DEFAULT_CONFIG`, `STATIC_BROKER_CONFIG`, … */
  source: string;
  readOnly: boolean;
  sensitive: boolean;
  synonyms: { name: string; value: string | null; source: string }[];
}

export interface CreateTopicRequest {
  connection?: string;
  name: string;
  partitions: number;
  /** The broker's default when left out. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/**
 * Records from a template (see src/inspector/template.ts: {{seq}}, {{uuid}}, {{choice:a|b}},
 * {{int:1-9}}, {{now}}, {{iso}}), `count` of them at `rate` records/s (0: as fast as possible).
 */
export interface ProduceTemplateRequest {
  connection?: string;
  topic: string;
  key?: string | null;
  value: string;
  headers?: Record<string, string>;
  count: number;
  rate?: number;
}

/** Progress of a long topic operation (`topic.job` events until one `topic.jobDone`). */
export interface TopicJobView {
  jobId: string;
  kind: 'redrive' | 'produce' | 'export' | 'import';
  done: number;
  total: number | null;
  /** An export's JSONL file, once done: download it through `ApiClient.transfers`. */
  fileId?: string;
  /** An import stopped by a line that does not parse: its number (1-based). */
  line?: number;
}

/**
 * A range of a topic to a JSONL file (one line per record: keys, values, headers, timestamps,
 * partition, offset; binary safe). Starts as the record browser's `from`, stops at the end of the
 * log when the export starts, at `until`, or after `limit` records.
 */
export interface ExportTopicRequest {
  connection?: string;
  topic: string;
  partitions?: number[];
  from?: ReadFrom;
  until?: { kind: 'offset'; offset: string } | { kind: 'time'; ms: number };
  filter?: string;
  limit?: number;
}

/**
 * Produces an uploaded JSONL file (`ApiClient.transfers.upload`) into a topic: an import, a
 * replay (`pace: 'original'`, `speed`), or a bulk produce (`partitioning: 'key'`, `timestamps: 'now'`).
 */
export interface ImportTopicRequest {
  connection?: string;
  topic: string;
  uploadId: string;
  /** 'preserve' (default): a record keeps its partition when the topic has it, else by key. */
  partitioning?: 'preserve' | 'key';
  /** 'preserve' (default) keeps each record's timestamp; 'now' stamps it when produced. */
  timestamps?: 'preserve' | 'now';
  /** 'fast' (default) or 'original': the gaps between the records' timestamps, divided by `speed`. */
  pace?: 'fast' | 'original';
  speed?: number;
}

/**
 * Which dead letters a redrive moves back to their original topic (the `kflow-source-topic`
 * header): every given matcher must hold. See docs/topics.md, "Dead-letter redrive".
 */
export interface RedriveRequest {
  connection?: string;
  /** The dead-letter topic. */
  topic: string;
  /** A kflow expression over the value, `_key` and `_headers` (kflow-error, kflow-source-topic, …). */
  filter?: string;
  /** The original topic, exactly. */
  sourceTopic?: string;
  /** The pipeline node that failed, exactly. */
  node?: string;
  /** Text the error message contains. */
  error?: string;
  /** Produce every record to this topic instead of its original one. */
  to?: string;
  /**
   * 'committed' (default): after what earlier redrives of this topic handled; 'earliest': all of
   * it; an offset (decimal): from there in every partition (as `kflow topics redrive --from OFFSET`).
   */
  from?: 'committed' | 'earliest' | { offset: string };
  /** Stop after this many matching records. */
  limit?: number;
  /** Records kept per original topic as samples; 5 by default. */
  samples?: number;
}

/** What a redrive found (preview) or did: per original topic, what was skipped, the position. */
export interface RedriveReportView {
  deadLetterTopic: string;
  dryRun: boolean;
  /** The consumer group that holds how far redrive has looked (`kflow-redrive.<topic>`). */
  group: string;
  scanned: number;
  byTopic: {
    topic: string;
    count: number;
    samples: {
      partition: number;
      offset: string;
      key: string | null;
      error: string | null;
      node: string | null;
    }[];
  }[];
  /** Records produced and acknowledged (0 in a preview). */
  moved: number;
  /** Matching dead letters with no source topic header, or naming a topic that does not exist. */
  skipped: {
    count: number;
    first: {
      partition: number;
      offset: string;
      reason: 'no-source-topic' | 'unknown-topic';
      sourceTopic: string | null;
    }[];
  };
  reason: 'end' | 'limit' | 'cancelled';
  started: { partition: number; offset: string }[];
  position: { partition: number; offset: string }[];
}

export type ReadFrom =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: string }
  | { kind: 'last'; count: number }
  | { kind: 'time'; ms: number };

export interface ReadRequest {
  connection?: string;
  topic: string;
  partitions?: number[];
  from?: ReadFrom;
  /** An expression over the record (as `kflow topics search --filter`). */
  filter?: string;
  /** At most this many records; the backend caps it. */
  limit?: number;
}

export interface TopicRecordView {
  partition: number;
  offset: string;
  timestamp: number;
  key: string | null;
  value: string | null;
  /** How value was rendered: `json`, `text`, `base64`. */
  format: string;
  headers: Record<string, string>;
  /** A watermark marker of kflow's engine (no value, a kflow-watermark header), not a data record. */
  marker?: true;
}

export interface GroupView {
  groupId: string;
  state: string;
  members: number;
  /** Total lag over its partitions. */
  lag: number;
  partitions: { topic: string; partition: number; committed: string; high: string; lag: number }[];
  /** The members and the partitions each was assigned. */
  assignments?: {
    memberId: string;
    clientId: string;
    host: string;
    partitions: { topic: string; partitions: number[] }[];
  }[];
}

export interface TopicsApi {
  list(connection?: string): Promise<TopicListItem[]>;
  describe(topic: string, connection?: string): Promise<TopicView>;
  read(req: ReadRequest): Promise<{ records: TopicRecordView[]; scanned: number; reason: string }>;
  produce(req: {
    connection?: string;
    topic: string;
    key?: string | null;
    value: string | null;
    headers?: Record<string, string>;
    partition?: number;
  }): Promise<{ partition: number; offset: string }>;
  groups(connection?: string): Promise<GroupView[]>;
  /**
   * Moves a group's committed offsets (the group must be empty). With `dryRun` nothing changes and
   * the steps say what would; without it, the steps say what was done.
   */
  resetOffsets(req: ResetOffsetsRequest): Promise<ResetStepView[]>;
  /** Follows a topic: records arrive as `topic.records` events until `tailStop`. */
  tailStart(req: Omit<ReadRequest, 'limit'>): Promise<{ tailId: string }>;
  tailStop(tailId: string): Promise<void>;
  /** Creates a topic; the name is checked as Kafka does (invalid, with the reason). */
  create(req: CreateTopicRequest): Promise<TopicView>;
  delete(topic: string, connection?: string): Promise<void>;
  /** Raises the partition count to `count` (more than now; Kafka cannot lower it). */
  addPartitions(req: { connection?: string; topic: string; count: number }): Promise<TopicView>;
  configs(topic: string, connection?: string): Promise<TopicConfigView[]>;
  /**
   * Sets and removes overrides, others untouched. A refused change rejects with `invalid` and
   * one problem per config (`path` is the config name).
   */
  alterConfigs(req: {
    connection?: string;
    topic: string;
    set?: Record<string, string>;
    remove?: string[];
  }): Promise<TopicConfigView[]>;
  /** Deletes a consumer group; `conflict` unless it is empty. */
  deleteGroup(groupId: string, connection?: string): Promise<void>;
  /** Starts producing from a template; progress as `topic.job`, the end as `topic.jobDone`. */
  produceTemplate(req: ProduceTemplateRequest): Promise<{ jobId: string }>;
  /** Stops a job; it ends with `topic.jobDone` (`stopped: true`). */
  jobStop(jobId: string): Promise<void>;
  /** Counts and samples what a redrive would move; nothing is produced or committed. */
  redrivePreview(req: RedriveRequest): Promise<RedriveReportView>;
  /**
   * Starts moving dead letters back: progress as `topic.job` (kind 'redrive', done = records
   * read), then `topic.redriveDone` with the report, then `topic.jobDone`. `jobStop` cancels.
   */
  redrive(req: RedriveRequest): Promise<{ jobId: string }>;
  /** Starts an export to a file; its `topic.jobDone` carries the `fileId`. */
  exportStart(req: ExportTopicRequest): Promise<{ jobId: string }>;
  /** Starts producing an uploaded JSONL file; a bad line ends it with its number (`job.line`). */
  importStart(req: ImportTopicRequest): Promise<{ jobId: string }>;
}

export interface ResetOffsetsRequest {
  connection?: string;
  groupId: string;
  topic: string;
  to:
    | { kind: 'earliest' }
    | { kind: 'latest' }
    | { kind: 'offset'; offset: string }
    | { kind: 'time'; ms: number };
  dryRun: boolean;
}

export interface ResetStepView {
  topic: string;
  partition: number;
  from: string | null;
  to: string;
}

// ─── Export ─────────────────────────────────────────────────────────────────

export interface ExportRequest {
  spec: PipelineSpec;
  /** The deployment profile (JSON shape of `kflow export --profile`). */
  profile: unknown;
  target: 'plan' | 'cloudformation' | 'terraform';
}

export type ExportResponse =
  | { ok: true; files: Record<string, string> }
  | {
      ok: false;
      /**
       * `path` starts with the file it is in: `spec.nodes[1].config.region`, `profile.network.subnets`.
       * `nodeId` names the spec node the problem is about, when there is one.
       */
      problems: { path: string; message: string; nodeId?: string | null }[];
    };

/** What a deploy, its status and its drift are about: the spec and the deployment profile, as for `render`. */
export interface DeployTarget {
  spec: PipelineSpec;
  profile: unknown;
}

export interface DeployRequest extends DeployTarget {
  /** `dry-run` lists the ordered calls and calls nothing; `apply` creates or updates what differs. */
  mode: 'dry-run' | 'apply';
}

/** One call of a deploy's plan, in order (a dry run lists these). */
export interface DeployCallView {
  step: number;
  service: string;
  command: string;
  /** The name of what the call creates (`kflow-prod`, `orders`). */
  resource: string;
  nodeId: string | null;
}

/** A line of a running deploy, pushed as `deploy.progress`. */
export interface DeployProgressView {
  deployId: string;
  /** The plan step this line is about (null for waits and summaries). */
  step: number | null;
  /** `cluster kflow-prod`, `connector mysql-cdc-prod-orders-cdc`; null when the line is about no one resource. */
  resource: string | null;
  nodeId: string | null;
  message: string;
  /** Plan steps reached so far, of `total`. */
  done: number;
  total: number;
}

/** A difference between what the spec and profile say and what is deployed; secret values hidden. */
export interface DriftView {
  kind: string;
  name: string;
  nodeId: string | null;
  /** Dotted path of the field; empty when the whole resource is missing. */
  field: string;
  deployed: string;
  wanted: string;
  /** What a deploy does about it. */
  change: 'create' | 'update' | 'manual';
}

/** The end of a deploy, pushed as `deploy.done`. */
export interface DeployResultView {
  deployId: string;
  mode: DeployRequest['mode'];
  ok: boolean;
  /** The calls that changed something, in order (empty for a dry run). */
  changes: { service: string; command: string; resource: string }[];
  unchanged: number;
  /** Differences the deploy left alone (AWS cannot change them in place). */
  manual: DriftView[];
  /** The ordered calls of a dry run. */
  calls?: DeployCallView[];
  /** Why the deploy stopped (`ok: false`). */
  error?: string;
}

/** One deployed resource as `kflow deploy --status` shows it; secret values hidden. */
export interface DeployStatusRow {
  /** `cluster`, `topics`, `connector`, `engine service`, `alarms`. */
  kind: string;
  name: string;
  nodeId: string | null;
  /** `ACTIVE`, `RUNNING`, `(not deployed)`, `2 of 2 exist`. */
  state: string;
  /** More about the state on one line (`PROVISIONED, Kafka 3.8.x, 3 × kafka.m5.large`), or empty. */
  summary: string;
  details: { label: string | null; value: string }[];
}

export interface ExportApi {
  targets(): Promise<{ id: ExportRequest['target']; label: string; file: string }[]>;
  render(req: ExportRequest): Promise<ExportResponse>;
  /**
   * Starts a deploy of the spec with the profile; its lines arrive as `deploy.progress` events and
   * its end as `deploy.done`, both carrying the returned id. Rejects (`invalid`, with the problems)
   * when the export is refused, and (`conflict`) while another apply is running.
   */
  deploy(req: DeployRequest): Promise<{ deployId: string }>;
  /** The live state of what the spec deploys, as `kflow deploy --status`. */
  status(req: DeployTarget): Promise<DeployStatusRow[]>;
  /** Every difference between the spec and what is deployed, as `kflow deploy --drift`. */
  drift(req: DeployTarget): Promise<DriftView[]>;
}

// ─── The whole API and its events ───────────────────────────────────────────

export interface KflowApi {
  pipelines: PipelinesApi;
  connections: ConnectionsApi;
  runs: RunsApi;
  topics: TopicsApi;
  export: ExportApi;
}

/** What the backend pushes without being asked. */
export type ServerEvent =
  | { type: 'run.state'; run: RunInfo }
  | { type: 'run.metrics'; metrics: RunMetricsView }
  | { type: 'run.log'; line: RunLogLine }
  | { type: 'topic.records'; tailId: string; records: TopicRecordView[] }
  | { type: 'topic.tailEnded'; tailId: string; error?: string }
  | { type: 'topic.job'; job: TopicJobView }
  | { type: 'topic.jobDone'; job: TopicJobView; stopped: boolean; error?: string }
  | { type: 'topic.redriveDone'; jobId: string; report: RedriveReportView }
  | { type: 'deploy.progress'; progress: DeployProgressView }
  | { type: 'deploy.done'; result: DeployResultView };

/** `pipelines.open`, `runs.start`, …: every method the transports may call, and nothing else. */
export const API_METHODS = [
  'pipelines.create',
  'pipelines.open',
  'pipelines.save',
  'pipelines.validate',
  'pipelines.examples',
  'pipelines.openExample',
  'pipelines.recent',
  'connections.list',
  'connections.save',
  'connections.remove',
  'connections.test',
  'runs.start',
  'runs.stop',
  'runs.list',
  'runs.snapshot',
  'topics.list',
  'topics.describe',
  'topics.read',
  'topics.produce',
  'topics.groups',
  'topics.resetOffsets',
  'topics.tailStart',
  'topics.tailStop',
  'topics.create',
  'topics.delete',
  'topics.addPartitions',
  'topics.configs',
  'topics.alterConfigs',
  'topics.deleteGroup',
  'topics.produceTemplate',
  'topics.jobStop',
  'topics.redrivePreview',
  'topics.redrive',
  'topics.exportStart',
  'topics.importStart',
  'export.targets',
  'export.render',
  'export.deploy',
  'export.status',
  'export.drift',
] as const satisfies readonly `${keyof KflowApi}.${string}`[];

export type ApiMethod = (typeof API_METHODS)[number];

/** A failed call as it crosses a transport: a code the UI can branch on and a readable message. */
export interface ApiErrorBody {
  code: 'not-found' | 'invalid' | 'connection' | 'conflict' | 'internal';
  message: string;
  /** Validation problems, when the error is about a spec. */
  problems?: Problem[];
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['code'],
    message: string,
    readonly problems?: Problem[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The wire envelope of a call (HTTP body, IPC argument). */
export interface ApiRequest {
  method: ApiMethod;
  params: unknown[];
}

export type ApiResponse = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** A spec edge end, fully qualified: `a` → `a.out` (from) or `a.in` (to). */
export function qualifyEnd(end: string, side: 'from' | 'to'): string {
  return end.includes('.') ? end : `${end}.${side === 'from' ? 'out' : 'in'}`;
}

export function edgeKey(edge: { from: string; to: string }): EdgeKey {
  return `${qualifyEnd(edge.from, 'from')}->${qualifyEnd(edge.to, 'to')}`;
}

/**
 * What a transport gives the renderer: the API and a subscription to pushed events. The
 * renderer's `src/renderer/src/api/` builds one over the preload bridge or over HTTP + WebSocket.
 */
export interface ApiClient {
  api: KflowApi;
  /** Calls `listener` for every pushed event until the returned function is called. */
  subscribe(listener: (event: ServerEvent) => void): () => void;
  /** Files too large for a call (JSONL export/import), streamed; absent where not supported. */
  transfers?: TransferClient;
}

export interface TransferClient {
  /** Streams a file to the backend for `topics.importStart`. */
  upload(file: Blob): Promise<{ uploadId: string }>;
  /** Saves an export's file where the user chooses (a browser download). */
  download(fileId: string, fileName: string): void;
}
