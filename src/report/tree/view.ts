// What both layouts of the task tree share: the View contract, a host's and a line's text, and a
// listr2 task bound to a Slot.
import type { ListrTask } from 'listr2';
import type { RunEvent } from '../../run/events.js';
import { describeCounts } from '../categories.js';
import { stepLine } from '../line-output.js';
import type { Slot } from '../slot.js';
import { statusLabel } from '../status-label.js';

/** Hosts running, and hosts failed, that are not on screen (compact layout over budget). */
export type Hidden = { running: number; failed: number };

export interface View {
  tasks: ListrTask[];
  has(host: string): boolean;
  apply(host: string, event: RunEvent): void;
  settleAll(): void;
  hidden(): Hidden;
}

export function hostTitle(host: string, result: Extract<RunEvent, { type: 'host-finished' }>['result'], notes: string[]): string {
  const reason = result.reason ? ` — ${result.reason}` : '';
  return `${host}: ${statusLabel(result)}${reason}${notes.length > 0 ? ` [${notes.join('; ')}]` : ''}`;
}

/** What a phase or step event says, as the text of its line. */
export function lineText(event: RunEvent): { id: string; text: string; outcome?: 'ok' | 'fail' | 'skip' } | undefined {
  switch (event.type) {
    case 'phase-started':
      return { id: event.phase, text: `${event.phase}: …` };
    case 'phase-finished':
      return { id: event.phase, text: `${event.phase}: ${event.message}`, outcome: event.ok ? 'ok' : 'fail' };
    case 'step-started':
      return { id: event.stepId, text: `${event.stepId}: removing ${describeCounts(event.artifacts) || 'nothing'}` };
    case 'step-finished': {
      const { result } = event;
      const outcome = result.status === 'failed' ? 'fail' : result.status === 'skipped' ? 'skip' : 'ok';
      return { id: result.stepId, text: `${result.stepId}: ${stepLine(result)}`, outcome };
    }
    default:
      return undefined;
  }
}

export function slotTask(slot: Slot): ListrTask {
  return {
    title: slot.title,
    task: async (_ctx, task) => {
      slot.attach((title) => (task.title = title));
      const outcome = await slot.done;
      task.title = outcome.title;
      if (outcome.kind === 'skip') task.skip(outcome.title);
      if (outcome.kind === 'fail') throw new Error(outcome.title);
    },
  };
}
