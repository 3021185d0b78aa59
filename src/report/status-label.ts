// The word a human reads for a host's outcome, in every output (tree, lines, summary, logs, JUnit).
import type { HostResult } from '../run/results.js';

/** The precise failure kind when there is one (`timed-out`, `auth-failed`), else the coarse status. */
export function statusLabel(result: HostResult): string {
  return result.failure && result.status !== 'unreachable' && result.status !== 'refused'
    ? result.failure
    : result.status;
}
