import type { ApiClient } from '../../../api/index';

export interface TopicsViewProps {
  client: ApiClient;
  /** A connection name from `connections.list()`; the backend's default (embedded) when absent. */
  connection?: string;
  /** Opens this topic's detail first (e.g. from the run panel's dead-letter link). */
  initialTopic?: string;
}

export function TopicsView(_props: TopicsViewProps) {
  return null;
}
