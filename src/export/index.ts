/**
 * @module export
 * `kflow export`: a pipeline spec and a deployment profile to the files that
 * deploy it on Amazon MSK. Pure: nothing here calls AWS.
 */
import type { DeploymentModel } from './model';
import { renderCloudFormation } from './targets/cloudformation';
import { buildPlan, renderPlan } from './targets/plan';
import { renderTerraform } from './targets/terraform';
import { checkExport, type ExportProblem } from './validate';

export const TARGETS = ['plan', 'cloudformation', 'terraform'] as const;
export type ExportTarget = (typeof TARGETS)[number];

/** The file name each target writes under --out. */
export const TARGET_FILES: Record<ExportTarget, string> = {
  plan: 'plan.json',
  cloudformation: 'template.json',
  terraform: 'main.tf',
};

export function render(model: DeploymentModel, target: ExportTarget): string {
  if (target === 'plan') return renderPlan(buildPlan(model));
  if (target === 'cloudformation') return renderCloudFormation(model);
  return renderTerraform(model);
}

export type ExportResult =
  | { ok: true; model: DeploymentModel; files: Record<string, string> }
  | { ok: false; problems: ExportProblem[] };

export function exportPipeline(spec: unknown, profile: unknown, target: ExportTarget): ExportResult {
  const r = checkExport(spec, profile);
  if (!r.ok || !r.model) return { ok: false, problems: r.problems };
  const files: Record<string, string> = { [TARGET_FILES[target]]: render(r.model, target) };
  if (r.model.engine) files['engine-pipeline.json'] = `${JSON.stringify(r.model.engine.spec, null, 2)}\n`;
  return { ok: true, model: r.model, files };
}
