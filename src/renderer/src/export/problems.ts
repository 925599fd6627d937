/** The export problems the dialog lists, from a refused render or a refused deploy call. */
import { ApiError } from '../../../api/index';
import { configFieldOf } from '../editor/Inspector';

/** A problem as the dialog lists it: `path` starts with the file (`spec.`, `profile.`). */
export interface ExportProblemView {
  path: string;
  message: string;
  nodeId?: string | null;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The problems a refused call carries (`export.deploy`, `status`, `drift` reject with them). */
export function problemsOf(e: unknown): ExportProblemView[] {
  return e instanceof ApiError && e.problems ? e.problems : [];
}

/** `spec.nodes[1].config.region` → the inspector field `region`; null for profile paths. */
export function fieldOf(path: string): string | null {
  return path.startsWith('spec.') ? configFieldOf(path.slice('spec.'.length)) : null;
}
