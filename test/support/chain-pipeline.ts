/** Generated pipelines of any size, for the UI benchmark and the canvas tests in chromium. */

/** `chains` parallel chains of 10 nodes: topic source → 4 × (filter → map) → topic sink. A valid spec. */
export function chainPipeline(chains: number) {
  const nodes: { id: string; kind: string; config: Record<string, unknown>; ui: { x: number; y: number } }[] =
    [];
  const edges: { from: string; to: string }[] = [];
  for (let c = 0; c < chains; c++) {
    const y = c * 140;
    const ids: string[] = [];
    const add = (kind: string, config: Record<string, unknown>) => {
      const id = `c${c}-n${ids.length}`;
      nodes.push({ id, kind, config, ui: { x: ids.length * 320, y } });
      ids.push(id);
    };
    add('source.topic', { topic: `in-${c}`, fields: { id: 'number', amount: 'number', country: 'string' } });
    for (let s = 0; s < 4; s++) {
      add('filter', { where: `amount > ${s}` });
      add('map', { set: { [`step${s}`]: `amount * ${s + 2}` } });
    }
    add('sink.topic', { topic: `out-${c}` });
    for (let i = 1; i < ids.length; i++) edges.push({ from: ids[i - 1] as string, to: ids[i] as string });
  }
  return { kflow: 1, name: `bench-${chains * 10}-nodes`, nodes, edges };
}
