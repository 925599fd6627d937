/** Rate on an edge and a button opening its sampled records; nothing when no run. */
export function EdgeRunLabel(_props: { edgeKey: string }) {
  return null;
}
