// Plan output: a compact fleet table (host x category counts), per-host detail on request, or JSON.
import { CATEGORY_COLUMNS, countByCategory, describeCounts } from './categories.js';
import { totalDataKiB, type DataItem } from '../recipe/cluster-data.js';
import { formatKiB } from './format-bytes.js';
import { renderTable, type Column } from './table.js';
import type { HostResult } from '../run/results.js';
import { statusLabel } from './status-label.js';
import type { Artifact } from '../recipe/types.js';
import { plannedArtifacts } from '../plan/host-plan.js';

/** The fleet table `plan` and `run`'s confirmation show. */
export function renderPlanTable(results: readonly HostResult[]): string {
  const columns: Column[] = [
    { header: 'host' },
    { header: 'status' },
    ...CATEGORY_COLUMNS.map(({ header }) => ({ header, align: 'right' as const })),
    { header: 'data', align: 'right' },
    { header: 'notes' },
  ];
  const rows = results.map((result) => {
    const counts = result.plan ? countByCategory(plannedArtifacts(result.plan)) : {};
    const cells = CATEGORY_COLUMNS.map(({ category }) => (result.plan ? String(counts[category] ?? 0) : '-'));
    return [result.name, planStatus(result), ...cells, dataCell(result.plan?.data), planNotes(result)];
  });
  return renderTable(columns, rows);
}

function planStatus(result: HostResult): string {
  if (result.status !== 'ok' || !result.plan) return statusLabel(result);
  if (result.plan.refusals.length > 0) return 'will-refuse';
  if (result.plan.failures.length > 0) return 'will-fail';
  return plannedArtifacts(result.plan).length === 0 ? 'clean' : 'dirty';
}

/** The cluster data the cleanup would delete, as one size ("-" for none). */
function dataCell(data: readonly DataItem[] | undefined): string {
  if (!data || data.length === 0) return '-';
  const total = totalDataKiB(data);
  return total === null ? '?' : formatKiB(total);
}

/** `/var/lib/etcd (etcd member data, 24.0 KiB)`, and where a nested item is counted. */
export function describeDataItem(item: DataItem): string {
  return `${item.path} (${item.what}, ${formatKiB(item.sizeKiB)}${item.within ? `, inside ${item.within}` : ''})`;
}

function planNotes(result: HostResult): string {
  if (!result.plan) return result.reason ?? '';
  const kept = result.plan.refusals.length > 0 ? [] : result.plan.steps.flatMap((step) => (step.kept?.length ? [`${step.stepId}: ${keptSummary(step.kept)}`] : []));
  return [...result.plan.refusals, ...result.plan.failures, ...kept].join('; ');
}

/** "keeps 2 containers, 3 volumes not the cluster's". */
function keptSummary(kept: readonly Artifact[]): string {
  return `keeps ${describeCounts(kept)} not the cluster's`;
}

/** Everything run would remove on each host, and the exact commands it would send. */
export function renderPlanDetail(results: readonly HostResult[]): string {
  const blocks: string[] = [];
  for (const result of results) {
    if (!result.plan) continue;
    const lines = [`== ${result.name} (${result.address})`];
    const stepRefusals = result.plan.steps.map((step) => `${step.stepId}: ${step.refusal}`);
    for (const refusal of result.plan.refusals) if (!stepRefusals.includes(refusal)) lines.push(`  REFUSE: ${refusal}`);
    const live = result.plan.liveness;
    if (live) lines.push(`  live node: ${live.verdict}${live.signs?.length ? ` (signs of life: ${live.signs.join(', ')})` : ''}`);
    for (const note of result.plan.notes ?? []) lines.push(`  note: ${note}`);
    for (const item of result.plan.data ?? []) lines.push(`  data: ${describeDataItem(item)}`);
    for (const step of result.plan.steps) {
      const state = step.refusal ? `REFUSE: ${step.refusal}` : step.failure ? `FAIL: ${step.failure}` : step.noop ?? '';
      lines.push(`  ${step.stepId}: ${step.title}${state ? ` — ${state}` : ''}`);
      for (const artifact of step.artifacts) {
        lines.push(`    - ${artifact.category}: ${artifact.name}${artifact.detail ? ` (${artifact.detail})` : ''}`);
      }
      for (const artifact of step.deferred ?? []) lines.push(`    ~ ${artifact.category}: ${artifact.name} (goes at reboot)`);
      for (const artifact of step.kept ?? []) {
        lines.push(`    = ${artifact.category}: ${artifact.name} (${artifact.detail ? `${artifact.detail} — ` : ''}not the cluster's, kept)`);
      }
      for (const note of step.notes) lines.push(`    note: ${note}`);
      for (const command of step.commands) lines.push(`    $ ${command.replace(/\n/g, '\n      ')}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/** The versioned `plan --json` document (schema in README). */
export function planToJson(results: readonly HostResult[]): object {
  return {
    version: 1,
    kind: 'nodescrub-plan',
    hosts: results.map((result) => ({
      name: result.name,
      address: result.address,
      status: result.status,
      failure: result.failure,
      reason: result.reason,
      refusals: result.plan?.refusals ?? [],
      failures: result.plan?.failures ?? [],
      notes: result.plan?.notes ?? [],
      liveness: result.plan?.liveness ?? null,
      data: result.plan?.data ?? [],
      steps: (result.plan?.steps ?? []).map((step) => ({
        id: step.stepId,
        title: step.title,
        noop: step.noop,
        refusal: step.refusal,
        failure: step.failure,
        artifacts: step.artifacts,
        deferred: step.deferred ?? [],
        kept: step.kept ?? [],
        notes: step.notes,
        commands: step.commands,
      })),
    })),
  };
}
