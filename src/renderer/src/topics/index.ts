/**
 * @module renderer/topics
 * The topic tools in the app: topics, partitions, a record browser, produce, consumer groups.
 * Everything goes through `client.api.topics.*`.
 */
export { TopicsView, type TopicsViewProps } from './TopicsView';
export { GroupsView, type GroupsViewProps } from './GroupsView';
export {
  buildReadRequest,
  buildProduceRequest,
  parseHeaders,
  DEFAULT_READ_FORM,
  type ReadForm,
} from './read-request';
export { appendLag, type LagHistory } from './lag-history';
