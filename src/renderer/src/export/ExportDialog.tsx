import type { ApiClient } from '../../../api/index';
import type { PipelineSpec } from '../../../spec/types';

export interface ExportDialogProps {
  open: boolean;
  onClose: () => void;
  /** The spec to export as it is now (null when the text is not a spec). */
  getSpec: () => PipelineSpec | null;
  client: ApiClient;
}

export function ExportDialog(_props: ExportDialogProps) {
  return null;
}
