// Failure budgets for the whole run (counted across batches): `--max-fail N|P%`, `--max-unreachable N|P%`.
import type { HostResult } from './results.js';

/** How many hosts may fail (parsed from --max-fail/--max-unreachable by src/cli/flag-values.ts). */
export type Budget = { count: number } | { percent: number };

/** The largest number of hosts allowed to fail: exceeding it stops new batches. */
export function budgetLimit(budget: Budget, totalHosts: number): number {
  return 'count' in budget ? budget.count : Math.floor((totalHosts * budget.percent) / 100);
}

export interface BudgetCheck {
  exceeded: boolean;
  reason?: string;
}

/**
 * Unreachable hosts are counted by --max-unreachable only (never twice); everything else not ok
 * (failed, refused, timed out, auth) counts against --max-fail.
 */
export function checkBudgets(
  results: readonly HostResult[],
  totalHosts: number,
  budgets: { maxFail?: Budget; maxUnreachable?: Budget },
): BudgetCheck {
  const unreachable = results.filter((r) => r.status === 'unreachable').length;
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'refused').length;
  if (budgets.maxFail && failed > budgetLimit(budgets.maxFail, totalHosts)) {
    return { exceeded: true, reason: `failure budget exceeded: ${failed} failed > --max-fail ${format(budgets.maxFail)}` };
  }
  if (budgets.maxUnreachable && unreachable > budgetLimit(budgets.maxUnreachable, totalHosts)) {
    return { exceeded: true, reason: `unreachable budget exceeded: ${unreachable} unreachable > --max-unreachable ${format(budgets.maxUnreachable)}` };
  }
  return { exceeded: false };
}

function format(budget: Budget): string {
  return 'count' in budget ? String(budget.count) : `${budget.percent}%`;
}
