/**
 * @module engine/time
 * Event-time semantics: window assignment, sessions, event-time parsing, watermarks.
 */
export { tumblingWindow, hoppingWindows, windowClosed, type TimeWindow } from './windows';
export { sessionReaches, mergeSessions, sessionClosed, type Session } from './sessions';
export {
  toEventTime,
  parseIsoTimestamp,
  AUTO_SECONDS_BELOW,
  type EpochUnit,
  type EventTimeResult,
} from './event-time';
export { WatermarkTracker, type PartitionTimeOptions } from './watermark';
