/**
 * @module nodes/window-common
 * Fields and ports every window kind shares.
 */
import { aggregates, duration, emit, groupBy, type PortDecl } from './define';

export const windowFields = {
  grace: duration('how long after a window ends late records are still added to it').default('0s'),
  groupBy: groupBy.optional(),
  aggregates,
  emit,
};

export const WINDOW_OUTPUTS: PortDecl[] = [
  { name: 'out', label: 'out' },
  {
    name: 'late',
    label: 'late',
    optional: true,
    description:
      'records that arrived after their window closed; unconnected, they go to the topic <pipeline>.<node>.late',
  },
];
