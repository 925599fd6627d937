/**
 * @module renderer/run
 * The run view: a store folding the backend's run events, and the components that show them
 * on the canvas (NodeRunStats, EdgeRunLabel), in the toolbar (RunControls) and in the bottom
 * panel (RunPanel).
 */
export { useRunStore, type RunStoreState } from './store';
export { NodeRunStats } from './NodeRunStats';
export { EdgeRunLabel } from './EdgeRunLabel';
export { RunControls, type RunControlsProps, type SpecForRun } from './RunControls';
export { RunPanel, type RunPanelProps } from './RunPanel';
