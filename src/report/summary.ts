// The end-of-run summary: one row per host with what was removed per category, then totals.
import type { HostResult } from '../run/results.js';
import { statusLabel } from './status-label.js';
import { CATEGORY_COLUMNS, countByCategory, countWords } from './categories.js';
import { renderTable, type Column } from './table.js';

/** What the per-category columns count: removed artifacts (run) or artifacts still there (verify). */
export type SummaryCounts = 'removed' | 'left';

/** The summary table printed after `run` and `verify`. */
export function renderSummary(results: readonly HostResult[], counting: SummaryCounts = 'removed'): string {
  const columns: Column[] = [
    { header: 'host' },
    { header: 'status' },
    ...CATEGORY_COLUMNS.map(({ header }) => ({ header, align: 'right' as const })),
    { header: 'time', align: 'right' },
    { header: 'reason' },
  ];
  const totals = new Map<string, number>();
  const rows = results.map((result) => {
    const counts = countByCategory(counting === 'removed' ? result.steps.flatMap((step) => step.removed) : leftovers(result));
    // A host never probed (unreachable, auth failed, not started) has no counts: "—", not a clean 0.
    const reached = result.plan !== undefined || result.steps.length > 0;
    const cells = CATEGORY_COLUMNS.map(({ category }) => {
      totals.set(category, (totals.get(category) ?? 0) + (counts[category] ?? 0));
      return reached ? String(counts[category] ?? 0) : '—';
    });
    return [result.name, statusLabel(result), ...cells, formatDuration(result.durationMs), result.reason ?? ''];
  });
  const table = renderTable(columns, rows);
  const removed = CATEGORY_COLUMNS.map(({ category }) => countWords(category, totals.get(category) ?? 0)).join(', ');
  return `${table}\n\n${renderTotals(results)}\n${counting}: ${removed}`;
}

function leftovers(result: HostResult) {
  return result.plan ? result.plan.steps.flatMap((step) => step.artifacts) : [];
}

/** "5 hosts: 3 ok, 1 unreachable, 1 step-failed". */
export function renderTotals(results: readonly HostResult[]): string {
  const byLabel = new Map<string, number>();
  for (const result of results) byLabel.set(statusLabel(result), (byLabel.get(statusLabel(result)) ?? 0) + 1);
  const parts = [...byLabel].map(([label, n]) => `${n} ${label}`);
  return `${results.length} host${results.length === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
