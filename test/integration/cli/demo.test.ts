// `kflow demo` is the README's main-job command: it must run the seed's
// pipelines on the embedded broker and show their results on the terminal.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../support/tools';

const root = join(import.meta.dirname, '../../..');

describe('kflow demo', () => {
  it(
    'runs the clickstream and the windowed aggregation, with results and late records',
    { timeout: 90_000 },
    async () => {
      const r = await run(process.execPath, [join(root, 'bin/kflow.js'), 'demo', '--seconds', '16'], {
        timeoutMs: 80_000,
      });
      expect(r.status, r.stderr).toBe(0);
      // The seed's consumer output, one line per event.
      expect(r.stdout).toMatch(/"summary":"Processing event: (login|logout|purchase) for user \d+"/);
      // At least one closed 10 s window per category, with its bounds.
      const windows = [
        ...r.stdout.matchAll(
          /\{"category":"(\w+)","total":(\d+),"events":(\d+),"window_start":(\d+),"window_end":(\d+)\}/g,
        ),
      ];
      expect(windows.length).toBeGreaterThanOrEqual(4);
      for (const [, , total, events, start, end] of windows) {
        expect(Number(end) - Number(start)).toBe(10_000);
        expect(Number(total)).toBeGreaterThanOrEqual(Number(events)); // values are 1..100
      }
      expect(r.stdout).toMatch(
        /clicks-per-category-live: \d+ records read, \d+ written, \d+ late record\(s\)/,
      );
    },
  );

  it('--describe checks and describes the examples without running them', async () => {
    const r = await run(process.execPath, [join(root, 'bin/kflow.js'), 'demo', '--describe']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/6 example pipelines, 0 error\(s\)/);
  });
});
