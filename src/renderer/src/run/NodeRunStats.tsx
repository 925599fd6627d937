/** Compact live stats under a node card; nothing when no run. */
export function NodeRunStats(_props: { nodeId: string }) {
  return null;
}
