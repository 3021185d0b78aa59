// Flat result objects for a host and its steps: what the summary, reports and exit code are made of.
import type { HostFailureKind } from '../errors.js';
import type { Artifact } from '../recipe/types.js';
import type { HostPlan } from '../plan/host-plan.js';

/** Coarse outcome of a host, as reports and --retry-failed see it. */
export type HostStatus = 'ok' | 'failed' | 'unreachable' | 'refused' | 'skipped' | 'aborted';

export type StepStatus = 'changed' | 'noop' | 'failed' | 'skipped';

export interface StepResult {
  stepId: string;
  title: string;
  status: StepStatus;
  /** What the step removed, confirmed by verification. */
  removed: Artifact[];
  /** What verification still found (empty on success). */
  left: Artifact[];
  /** Goes at reboot (e.g. tunl0 held by the ipip module). */
  deferred: Artifact[];
  notes: string[];
  /** One line: why nothing was done, or why it failed. */
  message?: string;
  durationMs: number;
}

export interface HostResult {
  name: string;
  address: string;
  status: HostStatus;
  /** The precise kind of failure for a non-ok host. */
  failure?: HostFailureKind;
  /** One line, no secrets. */
  reason?: string;
  steps: StepResult[];
  durationMs: number;
  /** The plan computed from discovery (absent when the host was never probed). */
  plan?: HostPlan;
}

/** Maps a failure kind to the coarse status used in reports. */
export function statusForFailure(kind: HostFailureKind): HostStatus {
  switch (kind) {
    case 'unreachable':
      return 'unreachable';
    case 'refused':
      return 'refused';
    case 'aborted':
      return 'aborted';
    default:
      return 'failed';
  }
}
