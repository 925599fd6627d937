/**
 * What the fake AWS holds, in the services' wire shapes (REST-JSON member
 * names for MSK and MSK Connect), so handlers can answer with it as is.
 */

type Obj = Record<string, unknown>;

/** A resource whose state moves on by itself after the fake's delay. */
export interface Timed {
  state: string;
  /** The state it reaches at `readyAt`. */
  next?: string;
  readyAt?: number;
}

export interface FakeCluster extends Timed {
  arn: string;
  name: string;
  type: 'PROVISIONED' | 'SERVERLESS';
  currentVersion: string;
  /** CreateClusterV2's `provisioned` or `serverless` body. */
  request: Obj;
  tags: Obj;
  topics: Map<string, { partitionCount: number; replicationFactor: number; configs?: string }>;
  bootstrap: string;
}

export interface FakeConnector extends Timed {
  arn: string;
  /** CreateConnector's body, updated by UpdateConnector. */
  body: Obj;
  version: number;
}

export interface FakeState {
  delayMs: number;
  region: string;
  accountId: string;
  clusters: Map<string, FakeCluster>;
  configurations: Map<string, { arn: string; name: string; kafkaVersions: string[]; revisions: string[] }>;
  plugins: Map<string, Timed & { arn: string; body: Obj }>;
  workerConfigurations: Map<string, { arn: string; name: string; propertiesFileContent: string }>;
  connectors: Map<string, FakeConnector>;
  roles: Map<
    string,
    { arn: string; name: string; trust: string; inline: Map<string, string>; attached: string[] }
  >;
  logGroups: Set<string>;
  /** Secret names that exist. The fake keeps no value. */
  secrets: Set<string>;
  taskDefinitions: Map<string, Obj[]>;
  services: Map<string, Obj>;
  alarms: Map<string, Obj>;
  /** Resources with a state change to come. */
  timed: Timed[];
  /** Moves every timed resource on to its next state if its time has come. */
  settle(): void;
  /** An existing MSK cluster (the profile's `existing` cluster), ACTIVE. */
  addExistingCluster(arn: string, name: string, bootstrap: string): void;
  uuid(): string;
}

export function newFakeState(o: { delayMs: number; region: string; accountId: string }): FakeState {
  let seq = 0;
  const s: FakeState = {
    ...o,
    timed: [],
    clusters: new Map(),
    configurations: new Map(),
    plugins: new Map(),
    workerConfigurations: new Map(),
    connectors: new Map(),
    roles: new Map(),
    logGroups: new Set(),
    secrets: new Set(),
    taskDefinitions: new Map(),
    services: new Map(),
    alarms: new Map(),
    settle() {
      const now = Date.now();
      for (const t of s.timed)
        if (t.next && t.readyAt !== undefined && now >= t.readyAt) {
          t.state = t.next;
          delete t.next;
          delete t.readyAt;
        }
    },
    addExistingCluster(arn, name, bootstrap) {
      s.clusters.set(arn, {
        arn,
        name,
        type: 'PROVISIONED',
        currentVersion: 'K1',
        state: 'ACTIVE',
        request: {},
        tags: {},
        topics: new Map(),
        bootstrap,
      });
    },
    uuid() {
      seq += 1;
      return `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
    },
  };
  return s;
}

/** Puts a resource in `state` now and `next` after the fake's delay. */
export function startTimer(s: FakeState, t: Timed, state: string, next: string): void {
  t.state = state;
  t.next = next;
  t.readyAt = Date.now() + s.delayMs;
  if (!s.timed.includes(t)) s.timed.push(t);
}
