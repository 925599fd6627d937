// A table of broken specs: each row names the layer it breaks, and the exact node
// and path the validator must blame. The expected problems are written from the
// spec rules (docs/spec.md), not copied from the validator's output.
import { describe, expect, it } from 'vitest';
import { validateSpec, validateSpecText } from '../../../src/spec/validate';
import type { Problem } from '../../../src/spec/types';

type Json = Record<string, unknown>;

/** The seed's windowed aggregation: valid, and the base every row breaks. */
function base(): Json {
  return {
    kflow: 1,
    name: 'clicks-per-category',
    nodes: [
      {
        id: 'raw',
        kind: 'source.topic',
        config: {
          topic: 'raw-events',
          eventTime: 'ts',
          fields: { category: 'string', value: 'number', ts: 'timestamp' },
        },
      },
      {
        id: 'per5min',
        kind: 'window.tumbling',
        config: {
          size: '5m',
          grace: '30s',
          groupBy: 'category',
          aggregates: { total: 'sum(value)', events: 'count(*)' },
        },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: 'aggregated-events' } },
    ],
    edges: [
      { from: 'raw', to: 'per5min' },
      { from: 'per5min', to: 'out' },
    ],
  };
}

function edit(fn: (s: Json & { nodes: Json[]; edges: Json[] }) => void): Json {
  const s = base() as Json & { nodes: Json[]; edges: Json[] };
  fn(s);
  return s;
}
const cfg = (s: { nodes: Json[] }, i: number) => s.nodes[i]?.['config'] as Json;

interface Row {
  name: string;
  spec: unknown;
  /** Expected error: node id (null for the spec as a whole), path, and words the message must contain. */
  node: string | null;
  path: string;
  says: RegExp;
}

const twoSourceJoin = (fn: (s: Json & { nodes: Json[]; edges: Json[] }) => void) =>
  edit((s) => {
    s.nodes = [
      { id: 'a', kind: 'source.topic', config: { topic: 'a', fields: { user: 'string', n: 'number' } } },
      { id: 'b', kind: 'source.topic', config: { topic: 'b', fields: { user: 'string', n: 'number' } } },
      { id: 'j', kind: 'join.stream-stream', config: { within: '5m', leftKey: 'user', rightKey: 'user' } },
      { id: 'o', kind: 'sink.console', config: {} },
    ];
    s.edges = [
      { from: 'a', to: 'j.left' },
      { from: 'b', to: 'j.right' },
      { from: 'j', to: 'o' },
    ];
    fn(s);
  });

const rows: Row[] = [
  // --- schema layer: the envelope
  { name: 'a list, not an object', spec: [], node: null, path: '', says: /JSON object, not a list/ },
  {
    name: 'missing kflow version',
    spec: edit((s) => delete s['kflow']),
    node: null,
    path: 'kflow',
    says: /"kflow" is required/,
  },
  {
    name: 'newer spec version',
    spec: edit((s) => (s['kflow'] = 7)),
    node: null,
    path: 'kflow',
    says: /newer kflow/,
  },
  {
    name: 'version not a number',
    spec: edit((s) => (s['kflow'] = '1')),
    node: null,
    path: 'kflow',
    says: /whole number/,
  },
  {
    name: 'missing name',
    spec: edit((s) => delete s['name']),
    node: null,
    path: 'name',
    says: /"name" is required/,
  },
  {
    name: 'bad pipeline name',
    spec: edit((s) => (s['name'] = 'Clicks Per Category')),
    node: null,
    path: 'name',
    says: /lowercase/,
  },
  {
    name: 'unknown top-level field',
    spec: edit((s) => (s['nodez'] = [])),
    node: null,
    path: 'nodez',
    says: /unknown field "nodez"; did you mean "nodes"/,
  },
  {
    name: 'nodes not a list',
    spec: edit((s) => ((s as Json)['nodes'] = {})),
    node: null,
    path: 'nodes',
    says: /expected a list, got an object/,
  },
  {
    name: 'edge without to',
    spec: edit((s) => delete s.edges[1]?.['to']),
    node: null,
    path: 'edges[1].to',
    says: /"to" is required/,
  },
  {
    name: 'bad node id',
    spec: edit((s) => ((s.nodes[2] as Json)['id'] = '9 out')),
    node: null,
    path: 'nodes[2].id',
    says: /starts with a letter/,
  },
  {
    name: 'unknown node field',
    spec: edit((s) => ((s.nodes[1] as Json)['confg'] = {})),
    node: 'per5min',
    path: 'nodes[1].confg',
    says: /unknown field "confg"; did you mean "config"/,
  },
  {
    name: 'node ui not numbers',
    spec: edit((s) => ((s.nodes[0] as Json)['ui'] = { x: 'left', y: 0 })),
    node: 'raw',
    path: 'nodes[0].ui.x',
    says: /expected a number/,
  },
  // --- schema layer: node configs
  {
    name: 'unknown kind with hint',
    spec: edit((s) => ((s.nodes[1] as Json)['kind'] = 'window.tumbing')),
    node: 'per5min',
    path: 'nodes[1].kind',
    says: /unknown node kind "window.tumbing"; did you mean "window.tumbling"/,
  },
  {
    name: 'missing required config field',
    spec: edit((s) => delete cfg(s, 1)['size']),
    node: 'per5min',
    path: 'nodes[1].config.size',
    says: /"size" is required/,
  },
  {
    name: 'unknown config field',
    spec: edit((s) => (cfg(s, 1)['graze'] = '1m')),
    node: 'per5min',
    path: 'nodes[1].config.graze',
    says: /unknown field "graze"; did you mean "grace"/,
  },
  {
    name: 'wrong config type',
    spec: edit((s) => (cfg(s, 1)['size'] = true)),
    node: 'per5min',
    path: 'nodes[1].config.size',
    says: /expected a string/,
  },
  {
    name: 'bad enum',
    spec: edit((s) => (cfg(s, 1)['emit'] = 'sometimes')),
    node: 'per5min',
    path: 'nodes[1].config.emit',
    says: /one of "final", "update"/,
  },
  {
    name: 'bad topic name',
    spec: edit((s) => (cfg(s, 2)['topic'] = 'aggregated events!')),
    node: 'out',
    path: 'nodes[2].config.topic',
    says: /topic name/,
  },
  {
    name: 'newer node version',
    spec: edit((s) => ((s.nodes[1] as Json)['version'] = 9)),
    node: 'per5min',
    path: 'nodes[1].version',
    says: /newer than this kflow knows/,
  },
  {
    name: 'aggregate name not an identifier',
    spec: edit((s) => (cfg(s, 1)['aggregates'] = { 'total sum': 'sum(value)' })),
    node: 'per5min',
    path: 'nodes[1].config.aggregates["total sum"]',
    says: /./,
  },
  // --- graph layer
  {
    name: 'no nodes',
    spec: edit((s) => ((s.nodes = []), (s.edges = []))),
    node: null,
    path: 'nodes',
    says: /no nodes/,
  },
  {
    name: 'duplicate node id',
    spec: edit((s) => ((s.nodes[2] as Json)['id'] = 'raw')),
    node: 'raw',
    path: 'nodes[2].id',
    says: /used by nodes\[0\] too/,
  },
  {
    name: 'dangling edge target',
    spec: edit((s) => (s.edges[1] = { from: 'per5min', to: 'outt' })),
    node: null,
    path: 'edges[1].to',
    says: /no node "outt"; did you mean "out"/,
  },
  {
    name: 'dangling edge source',
    spec: edit((s) => (s.edges[0] = { from: 'rawr', to: 'per5min' })),
    node: null,
    path: 'edges[0].from',
    says: /no node "rawr"/,
  },
  {
    name: 'unknown output port',
    spec: edit((s) => (s.edges[1] = { from: 'per5min.results', to: 'out' })),
    node: 'per5min',
    path: 'edges[1].from',
    says: /no output "results"; its outputs are out, late/,
  },
  {
    name: 'unknown input port',
    spec: edit((s) => (s.edges[1] = { from: 'per5min', to: 'out.left' })),
    node: 'out',
    path: 'edges[1].to',
    says: /no input "left"/,
  },
  {
    name: 'edge into a source',
    spec: edit((s) => s.edges.push({ from: 'per5min', to: 'raw' })),
    node: 'raw',
    path: 'edges[2].to',
    says: /has no inputs/,
  },
  {
    name: 'edge out of a sink',
    spec: edit((s) => s.edges.push({ from: 'out', to: 'per5min' })),
    node: 'out',
    path: 'edges[2].from',
    says: /has no outputs/,
  },
  {
    name: 'two edges into a single input',
    spec: edit((s) => {
      s.nodes.push({ id: 'more', kind: 'source.topic', config: { topic: 'more' } });
      s.edges.push({ from: 'more', to: 'per5min' });
    }),
    node: 'per5min',
    path: 'edges[2].to',
    says: /takes one edge; put a merge/,
  },
  {
    name: 'unconnected input',
    spec: edit((s) => s.edges.splice(0, 1)),
    node: 'per5min',
    path: 'nodes[1]',
    says: /input "in" is not connected/,
  },
  {
    name: 'join port not named',
    spec: twoSourceJoin((s) => (s.edges[0] = { from: 'a', to: 'j' })),
    node: 'j',
    path: 'edges[0].to',
    says: /has inputs left, right; write "j.left"/,
  },
  {
    name: 'cycle',
    spec: edit((s) => {
      s.nodes.splice(
        2,
        0,
        { id: 'f', kind: 'filter', config: { where: 'total > 0' } },
        { id: 'm', kind: 'merge', config: {} },
      );
      s.edges = [
        { from: 'raw', to: 'm' },
        { from: 'm', to: 'per5min' },
        { from: 'per5min', to: 'f' },
        { from: 'f', to: 'm' },
        { from: 'per5min', to: 'out' },
      ];
    }),
    node: 'm',
    path: 'edges[3]',
    says: /cycle through/,
  },
  {
    name: 'self loop',
    spec: edit((s) => {
      s.nodes.splice(2, 0, { id: 'm', kind: 'merge', config: {} });
      s.edges.push({ from: 'm', to: 'm' });
    }),
    node: 'm',
    path: 'edges[2]',
    says: /connected to itself/,
  },
  {
    name: 'sink unreachable from any source',
    spec: edit((s) => s.nodes.push({ id: 'orphan', kind: 'sink.console', config: {} })),
    node: 'orphan',
    path: 'nodes[3]',
    says: /cannot be reached from any source/,
  },
  {
    name: 'source with no path to a sink',
    spec: edit((s) => s.nodes.push({ id: 'lonely', kind: 'source.topic', config: { topic: 'x' } })),
    node: 'lonely',
    path: 'nodes[3]',
    says: /no path to a sink/,
  },
  {
    name: 'repeated edge',
    spec: edit((s) => s.edges.push({ from: 'raw', to: 'per5min.in' })),
    node: 'per5min',
    path: 'edges[2]',
    says: /repeats an earlier one/,
  },
  // --- semantics layer
  {
    name: 'window without a key',
    spec: edit((s) => {
      delete cfg(s, 1)['groupBy'];
      cfg(s, 0)['topic'] = 'raw-events';
      s.nodes[0] = {
        id: 'raw',
        kind: 'source.datagen',
        config: { template: { value: { gen: 'int', min: 1, max: 9 } } },
      };
    }),
    node: 'per5min',
    path: 'nodes[1].config.groupBy',
    says: /needs a key/,
  },
  {
    name: 'duration does not parse',
    spec: edit((s) => (cfg(s, 1)['size'] = '5 minutes')),
    node: 'per5min',
    path: 'nodes[1].config.size',
    says: /not a duration/,
  },
  {
    name: 'zero window size',
    spec: edit((s) => (cfg(s, 1)['size'] = '0s')),
    node: 'per5min',
    path: 'nodes[1].config.size',
    says: /longer than zero/,
  },
  {
    name: 'hopping advance longer than size',
    spec: edit((s) => {
      (s.nodes[1] as Json)['kind'] = 'window.hopping';
      cfg(s, 1)['advance'] = '10m';
    }),
    node: 'per5min',
    path: 'nodes[1].config.advance',
    says: /advance is longer than size/,
  },
  {
    name: 'expression syntax error',
    spec: edit((s) => (cfg(s, 1)['aggregates'] = { total: 'sum(value' })),
    node: 'per5min',
    path: 'nodes[1].config.aggregates.total',
    says: /column/,
  },
  {
    name: 'expression unknown field',
    spec: edit((s) => (cfg(s, 1)['groupBy'] = 'categroy')),
    node: 'per5min',
    path: 'nodes[1].config.groupBy',
    says: /categroy/,
  },
  {
    name: 'expression type error',
    spec: edit((s) => (cfg(s, 1)['aggregates'] = { total: 'sum(category)' })),
    node: 'per5min',
    path: 'nodes[1].config.aggregates.total',
    says: /./,
  },
  {
    name: 'aggregate in a filter',
    spec: edit((s) => {
      s.nodes.splice(1, 0, { id: 'f', kind: 'filter', config: { where: 'sum(value) > 3' } });
      s.edges = [
        { from: 'raw', to: 'f' },
        { from: 'f', to: 'per5min' },
        { from: 'per5min', to: 'out' },
      ];
    }),
    node: 'f',
    path: 'nodes[1].config.where',
    says: /./,
  },
  {
    name: 'predicate not boolean',
    spec: edit((s) => {
      s.nodes.splice(1, 0, { id: 'f', kind: 'filter', config: { where: 'value + 1' } });
      s.edges = [
        { from: 'raw', to: 'f' },
        { from: 'f', to: 'per5min' },
        { from: 'per5min', to: 'out' },
      ];
    }),
    node: 'f',
    path: 'nodes[1].config.where',
    says: /must be a condition \(true\/false\), but it gives a number/,
  },
  {
    name: 'not an aggregate',
    spec: edit((s) => (cfg(s, 1)['aggregates'] = { total: 'value * 2' })),
    node: 'per5min',
    path: 'nodes[1].config.aggregates.total',
    says: /not an aggregate/,
  },
  {
    name: 'join sides keyed differently',
    spec: twoSourceJoin((s) => (cfg(s, 2)['rightKey'] = 'n')),
    node: 'j',
    path: 'nodes[2].config.rightKey',
    says: /keyed differently: left by a string, right by a number/,
  },
  {
    name: 'join side without a key',
    spec: twoSourceJoin((s) => {
      delete cfg(s, 2)['leftKey'];
      s.nodes[0] = { id: 'a', kind: 'source.datagen', config: { template: { user: { gen: 'uuid' } } } };
    }),
    node: 'j',
    path: 'nodes[2].config.leftKey',
    says: /left input has no key/,
  },
  {
    name: 'literal database password',
    spec: edit((s) => {
      s.nodes[0] = {
        id: 'raw',
        kind: 'source.cdc.mysql',
        config: {
          database: {
            hostname: 'db',
            user: 'u',
            password: 'hunter2',
            serverId: 1,
            include: { databases: ['shop'] },
          },
          topicPrefix: 'shop',
          table: 'shop.orders',
        },
      };
      delete cfg(s, 1)['groupBy'];
      cfg(s, 1)['aggregates'] = { n: 'count(*)' };
    }),
    node: 'raw',
    path: 'nodes[0].config.database.password',
    says: /literal secret/,
  },
  {
    name: 'AWS key pasted into a field',
    spec: edit((s) => (cfg(s, 2)['headers'] = { auth: "'AKIAIOSFODNN7EXAMPLE'" })),
    node: 'out',
    path: 'nodes[2].config.headers.auth',
    says: /AWS access key id/,
  },
  {
    name: 'unquoted S3 path format',
    spec: edit(
      (s) =>
        (s.nodes[2] = {
          id: 'out',
          kind: 'sink.s3',
          config: {
            bucket: 'my-bucket',
            region: 'us-east-1',
            partitioner: { pathFormat: 'year=YYYY/month=MM' },
          },
        }),
    ),
    node: 'out',
    path: 'nodes[2].config.partitioner.pathFormat',
    says: /"year", "month" in the path format is unquoted/,
  },
  {
    name: 'cdc table outside included databases',
    spec: edit((s) => {
      s.nodes[0] = {
        id: 'raw',
        kind: 'source.cdc.mysql',
        config: {
          database: {
            hostname: 'db',
            user: 'u',
            password: { secret: 'db' },
            serverId: 1,
            include: { databases: ['shop'] },
          },
          topicPrefix: 'shop',
          table: 'crm.people',
        },
      };
      delete cfg(s, 1)['groupBy'];
      cfg(s, 1)['aggregates'] = { n: 'count(*)' };
    }),
    node: 'raw',
    path: 'nodes[0].config.table',
    says: /database "crm" is not in/,
  },
  {
    name: 'datagen min above max',
    spec: edit((s) => {
      s.nodes[0] = {
        id: 'raw',
        kind: 'source.datagen',
        config: {
          key: 'category',
          template: { category: { gen: 'choice', values: ['a'] }, value: { gen: 'int', min: 9, max: 1 } },
        },
      };
    }),
    node: 'raw',
    path: 'nodes[0].config.template.value.max',
    says: /max \(1\) is below min \(9\)/,
  },
];

function errors(problems: Problem[]) {
  return problems.filter((p) => p.severity === 'error');
}

describe('validator: malformed specs', () => {
  it('has at least 40 rows', () => expect(rows.length).toBeGreaterThanOrEqual(40));

  it('accepts the base spec', () => {
    const result = validateSpec(base());
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const result = validateSpec(row.spec);
    expect(result.ok).toBe(false);
    const here = errors(result.problems).filter((p) => p.nodeId === row.node && p.path === row.path);
    const match = here.find((p) => row.says.test(p.message)) ?? here[0];
    expect(
      match,
      `no error at node=${row.node} path=${row.path}; got ${JSON.stringify(result.problems, null, 1)}`,
    ).toBeDefined();
    expect(match?.message).toMatch(row.says);
  });
});

describe('validator: hostile files', () => {
  const single = (input: string | Uint8Array) => {
    const result = validateSpecText(input);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    return result.problems[0] as Problem;
  };

  it('reports non-JSON with a line and column', () => {
    const p = single('{\n  "kflow": 1,\n  "name": "x",\n}');
    expect(p).toMatchObject({ nodeId: null, path: '' });
    expect(p.message).toMatch(/^not valid JSON: .* at line 4, column 1$/);
  });

  it('reports an empty file', () => {
    expect(single('').message).toMatch(/the file is empty/);
    expect(single('  \n\t').message).toMatch(/the file is empty/);
  });

  it('reports bytes that are not UTF-8', () => {
    expect(single(new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x7d])).message).toMatch(/not UTF-8/);
  });

  it('refuses a 10 MB file without parsing it', () => {
    const big = `{"kflow":1,"name":"big","nodes":[],"edges":[],"description":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    expect(single(big).message).toMatch(/10\.0 MB; a spec may be at most 8 MB/);
  });

  it('reports 10,000 levels of nesting at the first too-deep path', () => {
    const deep = `{"kflow":1,"name":"deep","nodes":[],"edges":[],"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const p = single(deep);
    expect(p.message).toMatch(/nested more than 64 levels/);
    expect(p.path).toBe(`x${'[0]'.repeat(63)}`);
  });

  it('never throws on random garbage', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"kflow"',
      ':',
      '1',
      ',',
      '"nodes"',
      '"edges"',
      'null',
      '"id"',
      '"kind"',
      '"config"',
      'true',
      '"x"',
    ];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(rand() * 30) },
        () => pieces[Math.floor(rand() * pieces.length)],
      ).join('');
      expect(() => validateSpecText(text)).not.toThrow();
      const r = validateSpecText(text);
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });

  it('never throws on structurally odd values', () => {
    const odd: unknown[] = [
      null,
      0,
      'x',
      true,
      { kflow: 1 },
      { kflow: 1, name: 'a', nodes: [null], edges: [1] },
      { kflow: 1, name: 'a', nodes: [{ id: 'a', kind: 'filter', config: null }], edges: [] },
      { kflow: 0, nodes: 5 },
    ];
    for (const v of odd) {
      const r = validateSpec(v);
      expect(r.ok).toBe(false);
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });
});
