// The one place errors and results become exit codes (documented in README).
import { InventoryError, NodescrubError, RunAbortedError, UsageError } from '../errors.js';
import type { HostResult } from '../run/results.js';

export const EXIT = {
  ok: 0,
  usage: 1,
  hostsFailed: 2,
  aborted: 3,
  interrupted: 130,
} as const;

/** 0 all ok; 2 any host not ok; 130 interrupted. (3 is for refusals to start and failure budgets.) */
export function exitCodeForResults(results: readonly HostResult[], interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  return results.every((result) => result.status === 'ok') ? EXIT.ok : EXIT.hostsFailed;
}

/** Like exitCodeForResults, and 3 when a failure budget or the operator stopped the run. */
export function exitCodeForOutcome(outcome: { results: readonly HostResult[]; stopped?: string; interrupted: boolean }): number {
  if (outcome.interrupted) return EXIT.interrupted;
  if (outcome.stopped) return EXIT.aborted;
  return exitCodeForResults(outcome.results, false);
}

/** One line (or the inventory's list of lines) for an error, and its exit code. Never a stack trace. */
export function describeFatal(error: unknown): { message: string; code: number } {
  if (error instanceof InventoryError) return { message: error.problems.join('\n'), code: EXIT.usage };
  if (error instanceof UsageError) return { message: `nodescrub: ${error.message}`, code: EXIT.usage };
  if (error instanceof RunAbortedError) return { message: `nodescrub: ${error.message}`, code: EXIT.aborted };
  if (error instanceof NodescrubError) return { message: `nodescrub: ${error.message}`, code: EXIT.usage };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `nodescrub: internal error: ${message} (please report it)`, code: 70 };
}
