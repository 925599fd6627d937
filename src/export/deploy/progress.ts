/**
 * @module export/deploy/progress
 * The lines `kflow deploy` prints: steps, waits, differences. Pure
 * formatting; every value goes through `redact`, so a secret someone typed
 * into a deployed connector by hand is not echoed back.
 */
import type { Difference } from './drift';

/** Where progress lines go (stderr in the CLI, a list in tests, events in the app). */
export interface Progress {
  line(text: string): void;
}

export const streamProgress = (stream: { write(s: string): unknown }): Progress => ({
  line: (text) => void stream.write(`${text}\n`),
});

const SECRET_FIELD = /password|secret|token|credential|private[._-]?key|access[._-]?key/i;
const PLACEHOLDER = /^\$\{secretManager:[^}]+\}$/;

/** A value fit to print: a secret-looking field's literal value is hidden, a Secrets Manager reference is not. */
export function redact(field: string, value: string): string {
  if (value === '(unset)' || value === '(not deployed)' || PLACEHOLDER.test(value)) return value;
  if (SECRET_FIELD.test(field)) return '(hidden)';
  if (/password=/i.test(value)) return '(hidden)';
  return value;
}

const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function resourceLabel(d: Pick<Difference, 'kind' | 'name' | 'nodeId'>): string {
  return `${d.kind} ${d.name}${d.nodeId ? ` (node ${d.nodeId})` : ''}`;
}

const WHAT_DEPLOY_DOES: Record<Difference['change'], string> = {
  create: 'deploy creates it',
  update: 'deploy updates it',
  manual: 'not changed by deploy',
};

/** `connector x (node n): connectorConfiguration.flush.size: deployed 1000, wanted 500 (deploy updates it)`. */
export function formatDifference(d: Difference): string {
  if (!d.field) return `${resourceLabel(d)}: not deployed (${WHAT_DEPLOY_DOES[d.change]})`;
  return `${resourceLabel(d)}: ${d.field}: deployed ${clip(redact(d.field, d.deployed))}, wanted ${clip(
    redact(d.field, d.desired),
  )} (${replaceable(d) ? REPLACED : WHAT_DEPLOY_DOES[d.change]})`;
}

const REPLACED = 'deploy --allow-replace makes a new one and replaces the connectors using it';

/** A plugin's file or a worker configuration's properties: immutable in MSK Connect (apply.ts). */
function replaceable(d: Difference): boolean {
  return (
    (d.kind === 'plugin' && d.field.startsWith('location.')) ||
    (d.kind === 'worker configuration' && d.field.startsWith('properties.'))
  );
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `[3/26] create topic orders`. */
export const formatStep = (n: number, total: number, verb: string, what: string): string =>
  `[${n}/${total}] ${verb} ${what}`;

export const formatWait = (what: string, state: string, elapsedMs: number): string =>
  `  waiting for ${what}: ${state} (${formatElapsed(elapsedMs)})`;

/**
 * The resource a step or wait line ends with: a kind and a name without spaces (longer kinds
 * first, so `worker configuration x` is not read as `configuration x`), or an alarm, whose
 * names have spaces.
 */
const RESOURCE =
  /(?:^| )((?:worker configuration|task definition|custom plugin|log group|configuration|cluster|topic|role|plugin|connector|service) [^\s:]+|alarm .+)$/;
const STEP = /^\[(\d+)\/(\d+)\] (.+)$/;
const WAIT = /^ {2}waiting for (.+): \S+ \(\d+:\d{2}\)$/;
const NODE = /\(node ([^)]+)\)/;

/** What a progress line is about, read back from the formats above (the app shows lines as structured events). */
export function parseProgressLine(text: string): {
  step: number | null;
  total: number | null;
  resource: string | null;
  nodeId: string | null;
} {
  const step = STEP.exec(text);
  const wait = WAIT.exec(text);
  const about = step?.[3] ?? wait?.[1];
  return {
    step: step ? Number(step[1]) : null,
    total: step ? Number(step[2]) : null,
    resource: (about && RESOURCE.exec(about)?.[1]) ?? null,
    nodeId: NODE.exec(text)?.[1] ?? null,
  };
}
