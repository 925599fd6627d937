import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from './history';

export interface ChartSeries {
  label: string;
  values: Series;
}

export interface TimeChartProps {
  title: string;
  /** X values: milliseconds since the epoch, one per point of every series. */
  at: number[];
  series: ChartSeries[];
  height?: number;
}

const FALLBACK_COLOURS = [
  '#2f6fde',
  '#d9822b',
  '#2a9d5c',
  '#b83280',
  '#7c5cd6',
  '#c0392b',
  '#1a9bb0',
  '#8a6d3b',
];

/** Canvas drawing is missing in DOM emulations (tests): the chart is then skipped, the summary stays. */
function canDraw(): boolean {
  try {
    return (
      typeof ResizeObserver !== 'undefined' && document.createElement('canvas').getContext('2d') !== null
    );
  } catch {
    return false;
  }
}

/**
 * A theme colour as the canvas needs it: the variables hold `light-dark(...)`, which only a CSS
 * property resolves, so a hidden probe's computed `color` gives the colour in effect.
 */
function cssVar(el: Element, name: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = `var(${name}, ${fallback})`;
  el.appendChild(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour || fallback;
}

/**
 * Changes whenever the theme may have changed (`data-theme` on <html>, or the system scheme): a
 * canvas does not follow CSS variables, so the chart is created again with the new colours.
 */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const observer = typeof MutationObserver === 'undefined' ? null : new MutationObserver(bump);
    observer?.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme', 'class'],
    });
    const scheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    scheme?.addEventListener('change', bump);
    return () => {
      observer?.disconnect();
      scheme?.removeEventListener('change', bump);
    };
  }, []);
  return version;
}

/**
 * A live time-series chart (uPlot: small, fast, canvas). It is created once per set of series
 * and fed new data in place, so a metrics batch costs one redraw, not a React subtree.
 */
export function TimeChart({ title, at, series, height = 140 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = useMemo<uPlot.AlignedData>(
    () => [at.map((t) => t / 1000), ...series.map((s) => s.values)],
    [at, series],
  );
  const latest = useRef(data);
  const labels = series.map((s) => s.label).join('\u0000');
  const theme = useThemeVersion();

  useEffect(() => {
    latest.current = data;
    chart.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el || !canDraw()) return;
    const fg = cssVar(el, '--kf-fg-muted', '#666');
    const grid = cssVar(el, '--kf-border', '#ddd');
    const axis: uPlot.Axis = {
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    const names = labels ? labels.split('\u0000') : [];
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height,
      scales: { x: { time: true } },
      axes: [axis, { ...axis, size: 56 }],
      series: [
        {},
        ...names.map((label, i) => ({
          label,
          stroke: cssVar(
            el,
            `--kf-chart-${(i % FALLBACK_COLOURS.length) + 1}`,
            FALLBACK_COLOURS[i % FALLBACK_COLOURS.length] ?? '#2f6fde',
          ),
          width: 1.5,
          points: { show: false },
        })),
      ],
    };
    const u = new uPlot(opts, latest.current, el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth || 320, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [labels, height, theme]);

  const summary = series
    .map((s) => {
      const last = [...s.values].reverse().find((v) => v !== null);
      return `${s.label}: ${last === undefined || last === null ? 'no data' : Math.round(last * 10) / 10}`;
    })
    .join('; ');
  return (
    <figure className="kf-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="kf-chart__plot" />
      <p className="kf-visually-hidden">{summary || 'no data'}</p>
    </figure>
  );
}
