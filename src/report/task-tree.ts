// The live TTY task tree (listr2): host -> phases and steps. It only observes engine events.
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import type { RunEvent, RunMode } from '../run/events.js';
import { statusLabel } from '../run/results.js';
import { describeCounts } from './categories.js';
import { stepLine } from './line-output.js';
import { Slot } from './slot.js';

/** listr2's default renderer, allowed when stdout is not a TTY: the CLI decides (stderr TTY, no CI), and stdout may be a pipe. */
class StderrTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

interface HostSlots {
  host: Slot;
  lines: Map<string, Slot>;
  /** Guard evidence, backup path: shown on the host's final line, which outlives the collapsed tree. */
  notes: string[];
}

export interface TaskTree {
  observe(event: RunEvent): void;
  /** Resolves when listr2 has drawn the final state. */
  finished: Promise<void>;
}

/** The lines under each host: phases and steps in the order they happen. */
export function treeLines(mode: RunMode, stepIds: readonly string[], reboot: boolean): string[] {
  if (mode !== 'run') return ['connect', 'discover'];
  return ['connect', 'discover', ...stepIds, 'verify', ...(reboot ? ['reboot'] : [])];
}

/** Builds the tree for known hosts and lines and starts rendering to `stream` (stderr). */
export function startTaskTree(
  hosts: readonly string[],
  lineIds: readonly string[],
  mode: RunMode,
  stream: NodeJS.WriteStream,
): TaskTree {
  const slots = new Map<string, HostSlots>(
    hosts.map((name) => [name, { host: new Slot(name), lines: new Map(lineIds.map((id) => [id, new Slot(id)])), notes: [] }]),
  );
  const header = new Slot(headerTitle(mode, hosts.length, { done: 0, running: 0, failed: 0 }));
  const counters = { done: 0, running: 0, failed: 0 };

  const hostTasks: ListrTask[] = [...slots].map(([, s]) => ({
    title: s.host.title,
    task: (_ctx, task) => {
      s.host.attach((title) => (task.title = title));
      const lines = [...s.lines.values()].map(slotTask);
      // Finished hosts collapse to their one-line title; a failed host stays expanded with its failed line.
      return task.newListr(lines, { concurrent: false, exitOnError: false, rendererOptions: { collapseSubtasks: true } });
    },
  }));
  const root = new Listr(
    [{ title: header.title, task: (_ctx, task) => (header.attach((t) => (task.title = t)), task.newListr(hostTasks, { concurrent: true, exitOnError: false })) }],
    {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: StderrTreeRenderer,
      fallbackRendererCondition: false,
      silentRendererCondition: false,
      rendererOptions: {
        collapseSubtasks: false,
        collapseErrors: false,
        logger: new ListrLogger({ useIcons: true, processOutput: new ProcessOutput(stream, stream) }),
      },
    },
  );
  const finished = root.run().then(() => undefined, () => undefined);

  const observe = (event: RunEvent): void => {
    if (event.type === 'run-finished') {
      for (const s of slots.values()) settleAll(s, 'not started');
      header.finish({ kind: 'ok', title: headerTitle(mode, hosts.length, counters) });
      return;
    }
    if (!('host' in event) || !event.host) return;
    const s = slots.get(event.host);
    if (!s) return;
    applyEvent(s, event, counters);
    header.setTitle(headerTitle(mode, hosts.length, counters));
  };
  return { observe, finished };
}

function slotTask(slot: Slot): ListrTask {
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

function applyEvent(s: HostSlots, event: RunEvent, counters: { done: number; running: number; failed: number }): void {
  switch (event.type) {
    case 'host-started':
      counters.running += 1;
      return;
    case 'phase-started':
      s.lines.get(event.phase)?.setTitle(`${event.phase}: …`);
      return;
    case 'phase-finished':
      s.lines.get(event.phase)?.finish({ kind: event.ok ? 'ok' : 'fail', title: `${event.phase}: ${event.message}` });
      return;
    case 'step-started':
      s.lines.get(event.stepId)?.setTitle(`${event.stepId}: removing ${describeCounts(event.artifacts) || 'nothing'}`);
      return;
    case 'step-finished': {
      const { result } = event;
      const kind = result.status === 'failed' ? 'fail' : result.status === 'skipped' ? 'skip' : 'ok';
      s.lines.get(result.stepId)?.finish({ kind, title: `${result.stepId}: ${stepLine(result)}` });
      return;
    }
    case 'host-note':
      s.notes.push(event.message);
      return;
    case 'host-finished': {
      const { result } = event;
      counters.running -= 1;
      counters.done += 1;
      if (result.status !== 'ok') counters.failed += 1;
      settleAll(s, result.status === 'ok' ? 'not needed' : 'not run');
      const label = statusLabel(result);
      const notes = s.notes.length > 0 ? ` [${s.notes.join('; ')}]` : '';
      s.host.setTitle(`${event.host}: ${label}${result.reason ? ` — ${result.reason}` : ''}${notes}`);
      return;
    }
    default:
      return;
  }
}

/** Lines no event settled (host failed early, or plan mode) end as skipped. */
function settleAll(s: HostSlots, why: string): void {
  for (const [id, slot] of s.lines) if (!slot.isSettled) slot.finish({ kind: 'skip', title: `${id}: ${why}` });
}

function headerTitle(mode: RunMode, total: number, c: { done: number; running: number; failed: number }): string {
  return `nodescrub ${mode}: ${c.done}/${total} done, ${c.running} running, ${c.failed} failed`;
}
