// A small error hierarchy. The CLI (src/cli/exit-codes.ts) is the only place that maps these to exit codes.

/** Base class: every error nodescrub raises on purpose is one of these; anything else is a bug. */
export class NodescrubError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown flag value, conflicting options). Exit 1. */
export class UsageError extends NodescrubError {}

/** Inventory problems, all of them at once, each `FILE: path.to.field: message`. Exit 1. */
export class InventoryError extends NodescrubError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** The run refused to start (no confirmation) or a failure budget stopped it. Exit 3. */
export class RunAbortedError extends NodescrubError {}

/** Why a host did not end `ok`. Each is a distinct per-host status with a one-line reason. */
export type HostFailureKind =
  | 'unreachable' // dns, refused, connect timeout, socket reset
  | 'auth-failed' // no accepted credential, wrong sudo password
  | 'host-key-rejected' // unknown or mismatching host key under the policy
  | 'step-failed' // a step's command failed or verification found leftovers
  | 'timed-out' // a step exceeded --step-timeout
  | 'refused' // a guard refused the host (live node, network filesystem, unsafe name)
  | 'aborted'; // interrupted (Ctrl-C) or stopped by a failure budget

/** A failure confined to one host: the run goes on with the others. */
export class HostError extends NodescrubError {
  readonly kind: HostFailureKind;
  constructor(kind: HostFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** Success or failure as data, one shape everywhere: `value` when ok, else a one-line `error`. */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E = string>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
