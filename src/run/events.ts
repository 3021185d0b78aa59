// The engine's only output: a stream of events. The task tree, line output, logs and reports observe it.
import type { Artifact } from '../recipe/types.js';
import type { HostPlan } from '../plan/host-plan.js';
import type { CommandEvent } from '../transport/exec-script.js';
import type { HostResult, StepResult } from './results.js';

export type HostPhase = 'connect' | 'discover' | 'verify' | 'reboot';

export type RunEvent =
  | { type: 'run-started'; hosts: string[]; mode: RunMode; at: string }
  | { type: 'batch-started'; index: number; total: number; hosts: string[] }
  | { type: 'host-started'; host: string }
  | { type: 'phase-started'; host: string; phase: HostPhase }
  | { type: 'phase-finished'; host: string; phase: HostPhase; ok: boolean; message: string }
  | { type: 'host-planned'; host: string; plan: HostPlan }
  | { type: 'step-started'; host: string; stepId: string; title: string; artifacts: Artifact[] }
  | { type: 'step-finished'; host: string; result: StepResult }
  | CommandEvent
  | { type: 'warning'; host?: string; message: string }
  | { type: 'host-note'; host: string; message: string }
  | { type: 'host-finished'; host: string; result: HostResult }
  | { type: 'run-finished'; results: HostResult[]; interrupted: boolean };

/** plan: probes only; verify: probes, expects clean; run: probes, applies, verifies. */
export type RunMode = 'plan' | 'verify' | 'run';

export type EmitEvent = (event: RunEvent) => void;

/** Fan-out to several observers; one observer's exception never stops the run. */
export function fanOut(observers: EmitEvent[]): EmitEvent {
  return (event) => {
    for (const observe of observers) {
      try {
        observe(event);
      } catch (error) {
        process.stderr.write(`nodescrub: an output observer failed: ${(error as Error).message}\n`);
      }
    }
  };
}
