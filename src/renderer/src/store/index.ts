/**
 * @module renderer/store
 * The editor's state: the spec being edited, its file, selection, problems and history, and
 * the pure edit operations the store applies.
 */
export {
  useEditorStore,
  resetEditorStore,
  initialEditorData,
  isDirty,
  specFromDocument,
  looksLikeSpec,
  HISTORY_LIMIT,
  VALIDATE_DEBOUNCE_MS,
  TYPING_MERGE_MS,
  type EditorState,
  type EditorData,
  type Selection,
  type FocusRequest,
} from './editor-store';
export * as specOps from './spec-ops';
export {
  serializeSpec,
  emptySpec,
  isFragment,
  type Fragment,
  type Position,
  type ConfigPath,
} from './spec-ops';
export {
  connectionProblem,
  nodeIndex,
  parseEnd,
  formatEnd,
  inputPortsOf,
  outputPortsOf,
  resolvedEdges,
  type EdgeEnd,
} from './ports';
export { autoLayout, layoutPositions, DEFAULT_NODE_SIZE } from './layout';
