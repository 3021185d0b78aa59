// Non-TTY / CI output: one plain line per event, prefixed with the host name. No spinners, no escapes.
import type { RunEvent } from '../run/events.js';
import { type StepResult } from '../run/results.js';
import { statusLabel } from './status-label.js';
import { describeCounts } from './categories.js';
import { formatDuration } from './summary.js';

export type WriteLine = (line: string) => void;

/** An event observer that writes lines; `verbose` 1 (-v) adds every command's exit status, 2 (-vv)
 * also its output, line by line (as recorded: secret output is already reduced to its size). */
export function createLineOutput(write: WriteLine, options: { verbose?: number } = {}): (event: RunEvent) => void {
  const level = options.verbose ?? 0;
  return (event) => {
    const line = formatEventLine(event, level >= 1);
    if (line !== undefined) write(line);
    if (level >= 2 && event.type === 'command') {
      for (const [stream, text] of [['stdout', event.stdout], ['stderr', event.stderr]] as const) {
        for (const out of text.split('\n')) if (out !== '') write(`${event.host}: ${event.stepId}: ${stream}| ${out}`);
      }
    }
  };
}

/** The line for one event, or undefined for events that only logs and reports care about. */
export function formatEventLine(event: RunEvent, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `nodescrub ${event.mode}: ${event.hosts.length} host${event.hosts.length === 1 ? '' : 's'}`;
    case 'phase-started':
      return event.phase === 'connect' ? `${event.host}: connecting` : undefined;
    case 'phase-finished':
      return `${event.host}: ${event.phase}: ${event.message}`;
    case 'step-started':
      // A step with nothing to remove gets only its finished line.
      return event.artifacts.length ? `${event.host}: ${event.stepId}: removing ${describeCounts(event.artifacts)}` : undefined;
    case 'step-finished':
      return `${event.host}: ${event.result.stepId}: ${stepLine(event.result)}`;
    case 'command':
      if (!verbose) return undefined;
      if (event.request) return `${event.host}: ${event.stepId}: ${event.command}: ${event.exitCode === 0 ? 'answered' : 'failed'} in ${formatDuration(event.durationMs)}`;
      return `${event.host}: ${event.stepId}: command exited ${event.exitCode ?? 'by signal'} in ${formatDuration(event.durationMs)}`;
    case 'warning':
      return `${event.host ? `${event.host}: ` : ''}warning: ${event.message}`;
    case 'host-note':
      return `${event.host}: ${event.message}`;
    case 'host-finished':
      return `${event.host}: ${statusLabel(event.result)}${event.result.reason ? `: ${event.result.reason}` : ''} (${formatDuration(event.result.durationMs)})`;
    default:
      return undefined;
  }
}

/** "removed 7 containers, 2 volumes" / "already clean" / "failed: …". */
export function stepLine(result: StepResult): string {
  switch (result.status) {
    case 'changed':
      return `removed ${describeCounts(result.removed) || 'nothing'}`;
    case 'noop':
      if (!result.message) return 'already clean';
      return result.message.startsWith('already clean') ? result.message : `already clean (${result.message})`;
    case 'skipped':
      return `skipped${result.message ? `: ${result.message}` : ''}`;
    default:
      return `failed: ${result.message ?? 'unknown reason'}`;
  }
}
