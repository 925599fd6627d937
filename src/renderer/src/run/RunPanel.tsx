export interface RunPanelProps {
  /** Opens the topic tools on a topic (dead letters, late records). */
  onOpenTopic?: (topic: string) => void;
}

export function RunPanel(_props: RunPanelProps) {
  return null;
}
