/** The registry's icon names (lucide-style) drawn as single glyphs, so no icon font is loaded. */
const GLYPHS: Record<string, string> = {
  activity: '∿',
  'cloud-upload': '☁',
  'copy-x': '≡',
  database: '⛁',
  file: '▤',
  'file-output': '▤',
  filter: '▽',
  'git-branch': 'Y',
  inbox: '⇥',
  key: '⚷',
  link: '⋈',
  merge: '⤚',
  send: '➤',
  shuffle: '⇄',
  sigma: 'Σ',
  sparkles: '✦',
  split: '⋔',
  table: '▦',
  terminal: '›_',
  timer: '⏱',
  'timer-reset': '⟲',
};

export function iconGlyph(name: string): string {
  return GLYPHS[name] ?? '◆';
}

export const CATEGORY_LABELS: Record<string, string> = {
  source: 'Sources',
  transform: 'Transforms',
  window: 'Windows',
  join: 'Joins',
  sink: 'Sinks',
};

export const CATEGORY_ORDER = ['source', 'transform', 'window', 'join', 'sink'] as const;
