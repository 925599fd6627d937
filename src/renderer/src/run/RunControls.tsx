import type { PipelineSpec, Problem } from '../../../spec/types';

export interface SpecForRun {
  spec: PipelineSpec | null;
  problems: Problem[];
}

export interface RunControlsProps {
  /** The spec to run as it is now, with its validation problems (Run is disabled on errors). */
  getSpec: () => SpecForRun;
}

export function RunControls(_props: RunControlsProps) {
  return null;
}
