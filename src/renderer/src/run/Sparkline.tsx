import { memo } from 'react';
import type { Series } from './history';

export interface SparklineProps {
  values: Series;
  /** What the line shows, for screen readers (`Throughput of parse`). */
  label: string;
  width?: number;
  height?: number;
}

/** A tiny SVG trend line: cheap enough for every node card (the panel's charts use uPlot). */
export const Sparkline = memo(function Sparkline({ values, label, width = 64, height = 16 }: SparklineProps) {
  let max = 0;
  let last: number | null = null;
  for (const v of values) {
    if (v !== null) {
      if (v > max) max = v;
      last = v;
    }
  }
  const n = values.length;
  const step = n > 1 ? width / (n - 1) : 0;
  // Gaps (null) split the line into segments.
  const segments: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (cur.length) segments.push(cur.join(' '));
      cur = [];
      return;
    }
    const y = max > 0 ? height - 1 - (v / max) * (height - 2) : height - 1;
    cur.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
  });
  if (cur.length) segments.push(cur.join(' '));
  return (
    <svg
      className="kf-sparkline"
      role="img"
      aria-label={`${label}: ${last === null ? 'no data' : `latest ${Math.round(last * 10) / 10}`}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      {segments.map((points, i) => (
        <polyline key={i} points={points} fill="none" />
      ))}
    </svg>
  );
});
