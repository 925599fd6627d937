// The bench's input: order events as JSON, about `valueBytes` each (padded by a note field), a key
// per customer and one short header, so export pays for keys, values and headers alike.
export const STATUSES = ['created', 'paid', 'shipped', 'delivered', 'failed'];
const COUNTRIES = ['de', 'fr', 'es', 'it', 'nl', 'pl', 'se', 'ie'];
const T0 = Date.UTC(2024, 0, 1);

/**
 * The search filters. `selective`: about 10% pass (status failed is 1 in 5, amount > 499 about 1
 * in 2), and its string equality lets kflow skip parsing the records whose bytes lack "failed".
 * `numeric`: about half pass, and every value must be parsed. `matches` derives the expected
 * result from the generator's formulas; the bench checks kflow's count against it.
 */
export const FILTERS = {
  selective: {
    text: "status = 'failed' AND amount > 499",
    matches: (i: number) => STATUSES[i % STATUSES.length] === 'failed' && (i * 7) % 1000 > 499,
  },
  numeric: {
    text: 'amount > 499',
    matches: (i: number) => (i * 7) % 1000 > 499,
  },
};

export interface BenchRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
}

export function benchRecord(i: number, valueBytes: number, partitions: number): BenchRecord {
  const base = {
    id: i,
    customer: `c-${i % 5000}`,
    status: STATUSES[i % STATUSES.length],
    amount: (i * 7) % 1000,
    currency: 'EUR',
    country: COUNTRIES[i % COUNTRIES.length],
    ts: T0 + i * 10,
    items: [
      { sku: `sku-${i % 997}`, qty: 1 + (i % 3), price: 19.99 },
      { sku: `sku-${(i * 3) % 991}`, qty: 1, price: 5.5 },
    ],
    note: '',
  };
  const bare = JSON.stringify(base).length;
  base.note = 'x'.repeat(Math.max(0, valueBytes - bare));
  return {
    key: `c-${i % 5000}`,
    value: JSON.stringify(base),
    headers: { trace: `t-${i.toString(16)}` },
    partition: i % partitions,
  };
}
