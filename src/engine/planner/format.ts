/**
 * @module engine/planner/format
 * The plan as `kflow run --plan` prints it.
 */
import type { PhysicalPlan } from './plan';

export function formatPlan(plan: PhysicalPlan): string {
  const lines: string[] = [];
  lines.push(`pipeline ${plan.pipeline} (consumer group ${plan.groupId})`);
  lines.push('');
  lines.push('sub-topologies:');
  for (const s of plan.subtopologies) {
    const inputs = [
      ...s.sources.map((x) => (x.external ? `${x.nodeId} (in-process)` : `${x.topic} (${x.nodeId})`)),
      ...s.repartitionInputs,
    ];
    lines.push(`  ${s.id}: ${s.nodes.join(' → ')}`);
    lines.push(`     reads ${inputs.join(', ')}; ${s.partitions} task(s)`);
  }
  lines.push('');
  lines.push(`tasks (${plan.tasks.length}):`);
  for (const t of plan.tasks)
    lines.push(
      `  ${t.id}: ${t.inputs.map((i) => `${i.topic}[${i.partition}]`).join(', ') || '(in-process input)'}`,
    );
  if (plan.repartitions.length > 0) {
    lines.push('');
    lines.push('repartitions:');
    for (const r of plan.repartitions) {
      lines.push(`  ${r.from}.${r.fromPort} → ${r.to}.${r.toPort} via ${r.topic}: ${r.reason}`);
      lines.push(
        r.crossing.mode === 'partial'
          ? '     sends partial aggregates per group and window (combined before the topic)'
          : `     sends every record (${r.crossing.why})`,
      );
    }
  }
  lines.push('');
  lines.push('topics:');
  const w = Math.max(...plan.topics.map((t) => t.name.length));
  for (const t of plan.topics) {
    const cfg = Object.entries(t.config)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      `  ${t.name.padEnd(w)}  ${t.role.padEnd(11)} ${String(t.partitions).padStart(3)} partition(s)  ${t.create ? 'create' : 'exists'}${cfg ? `  ${cfg}` : ''}`,
    );
  }
  if (plan.notes.length > 0) {
    lines.push('');
    lines.push('notes:');
    for (const n of plan.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
