/** @module server/export The exporter behind the API: targets and rendering, pure. */
import type { ExportApi, ExportRequest } from '../api/index';
import { exportPipeline, TARGET_FILES, TARGETS } from '../export/index';

const LABELS: Record<ExportRequest['target'], string> = {
  plan: 'Deployment plan',
  cloudformation: 'AWS CloudFormation',
  terraform: 'Terraform',
};

export function createExport(): ExportApi {
  return {
    async targets() {
      return TARGETS.map((id) => ({ id, label: LABELS[id], file: TARGET_FILES[id] }));
    },
    async render(req) {
      const r = exportPipeline(req.spec, req.profile, req.target);
      if (!r.ok)
        return {
          ok: false,
          problems: r.problems.map((p) => ({
            path: `${p.source}${p.path ? `.${p.path}` : ''}`,
            message: p.message,
          })),
        };
      return { ok: true, files: r.files };
    },
  };
}
