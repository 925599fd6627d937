/**
 * @module renderer/topics
 * The topic tools in the app: topics, partitions, a record browser, produce, consumer groups.
 */
export { TopicsView, type TopicsViewProps } from './TopicsView';
