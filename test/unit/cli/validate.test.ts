import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const kflow = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/kflow.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('kflow validate', () => {
  it('exits 0 on every example', () => {
    const files = readdirSync(join(root, 'resources/examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join('resources/examples', f));
    const r = kflow('validate', ...files);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('prints file:node:path: message and exits 1 on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kflow-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        kflow: 1,
        name: 'bad',
        nodes: [
          { id: 'src', kind: 'source.topic', config: { topic: 'in' } },
          {
            id: 'w',
            kind: 'window.tumbling',
            config: { size: '5 min', groupBy: 'k', aggregates: { n: 'count(*)' } },
          },
          { id: 'out', kind: 'sink.console', config: {} },
        ],
        edges: [
          { from: 'src', to: 'w' },
          { from: 'w', to: 'out' },
        ],
      }),
    );
    const r = kflow('validate', file);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:w:nodes[1].config.size: "5 min" is not a duration: expected a number and a unit (ms, s, m, h, d) at "5 min"`,
    ]);
    const missing = kflow('validate', join(dir, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(`${join(dir, 'nope.json')}:-:-: cannot read the file: no such file`);
  });

  it('answers --help, --version and usage errors', () => {
    const help = kflow('validate', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: kflow validate \[options\] <spec\.\.\.>/);
    const version = kflow('--version');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const usage = kflow('validate');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument/);
  });
});
