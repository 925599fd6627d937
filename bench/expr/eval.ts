// Evaluates a typical filter over 1M records with the compiled expression and,
// in the same run, with a hand-written closure as the ceiling to compare against.
// Run: npx tsx bench/expr/eval.ts
import { compileExpression, parseExpression } from '../../src/expr/index';

const N = 1_000_000;
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL'];

function makeRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = new Array(N);
  let seed = 42;
  for (let i = 0; i < N; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = { id: i, amount: seed % 200, country: COUNTRIES[seed % COUNTRIES.length], note: 'x' };
  }
  return out;
}

function measure(name: string, fn: (r: unknown) => unknown, records: unknown[]): number {
  // Warm up so both candidates are measured with optimised code.
  for (let i = 0; i < 200_000; i++) fn(records[i]);
  let best = Infinity;
  let kept = 0;
  for (let round = 0; round < 5; round++) {
    kept = 0;
    const t0 = performance.now();
    for (let i = 0; i < records.length; i++) if (fn(records[i]) === true) kept++;
    best = Math.min(best, performance.now() - t0);
  }
  const rate = records.length / (best / 1000);
  console.log(
    `${name.padEnd(12)} ${(rate / 1e6).toFixed(1).padStart(6)} M records/s  (${best.toFixed(1)} ms per 1M, kept ${kept})`,
  );
  return rate;
}

const text = "amount > 100 AND country IN ('DE','FR')";
const parsed = parseExpression(text);
if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
const compiled = compileExpression(parsed.ast);
const baseline = (r: unknown): boolean => {
  const x = r as { amount: number; country: string };
  return x.amount > 100 && (x.country === 'DE' || x.country === 'FR');
};

const records = makeRecords();
console.log(`filter: ${text}  (${N.toLocaleString('en')} records, best of 5)`);
const a = measure('compiled', compiled, records);
const b = measure('hand-written', baseline, records);
console.log(`compiled / hand-written: ${((a / b) * 100).toFixed(0)}%`);
