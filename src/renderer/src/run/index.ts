/**
 * @module renderer/run
 * The run view: a store folding the backend's run events, and the components that show them
 * on the canvas (NodeRunStats, EdgeRunLabel), in the toolbar (RunControls) and in the bottom
 * panel (RunPanel). Wire it once: `useRunStore.getState().subscribe(client)` (returns the
 * unsubscribe).
 */
export { useRunStore, resetRunStore, foldEvent, isActive, LOG_LINES, type RunStoreState } from './store';
export { HISTORY_POINTS, type RunHistory, type Series } from './history';
export { NodeRunStats, type NodeRunStatsProps } from './NodeRunStats';
export { EdgeRunLabel, type EdgeRunLabelProps } from './EdgeRunLabel';
export { RunControls, runBlocker, type RunControlsProps, type SpecForRun } from './RunControls';
export { RunPanel, type RunPanelProps } from './RunPanel';
