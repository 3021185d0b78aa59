// The live TTY task tree (listr2): host -> phases and steps. It only observes engine events.
//
// Two layouts, chosen once from the terminal's height:
// - expanded: every host with one line per phase and step, when the whole tree fits on the screen;
// - compact: one line per *running* host showing its current phase; a host that finished ok leaves
//   the screen (the header counts it, the summary lists it), a failed one stays with its reason.
//   A frame taller than the terminal cannot be redrawn in place (it scrolls and smears), and a tree of
//   a thousand hosts costs a thousand lines per frame: compact keeps every frame within the screen.
// Frames are throttled: listr2 redraws on every title change, which is O(events × lines).
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { RunEvent, RunMode } from '../run/events.js';
import { Slot } from './slot.js';
import { compactView } from './tree/compact.js';
import { expandedView } from './tree/expanded.js';
import { compactRenderer, StderrTreeRenderer } from './tree/renderer.js';
import type { Hidden } from './tree/view.js';

export interface TaskTree {
  observe(event: RunEvent): void;
  /** Resolves when listr2 has drawn the final state. */
  finished: Promise<void>;
}

export interface TaskTreeOptions {
  /** Hosts at once (--concurrency): how many hosts can be expanded at the same time. */
  concurrency: number;
  /** Applied to every title (secrets never reach the screen). */
  mask?: (text: string) => string;
}

/** The lines under each host: phases and steps in the order they happen. */
export function treeLines(mode: RunMode, stepIds: readonly string[], reboot: boolean): string[] {
  if (mode !== 'run') return ['connect', 'discover'];
  return ['connect', 'discover', ...stepIds, 'verify', ...(reboot ? ['reboot'] : [])];
}

/** Expanded only if the tallest frame (every running host expanded, every other host one line) fits. */
export function chooseLayout(hosts: number, linesPerHost: number, concurrency: number, rows: number): 'expanded' | 'compact' {
  const tallest = 1 + hosts + linesPerHost * Math.min(concurrency, hosts);
  return tallest <= rows - 1 ? 'expanded' : 'compact';
}

type Counters = { done: number; running: number; failed: number };

/** Builds the tree for known hosts and lines and starts rendering to `stream` (stderr). */
export function startTaskTree(
  hosts: readonly string[],
  lineIds: readonly string[],
  mode: RunMode,
  stream: NodeJS.WriteStream,
  options: TaskTreeOptions,
): TaskTree {
  const mask = options.mask ?? ((text: string) => text);
  // A pty that reports 0 columns (a container's console, `script` without a size): listr2 wraps at
  // process.stdout.columns and would put every character on a line of its own. Take it as 80.
  for (const tty of [process.stdout, stream]) if (tty.isTTY && !tty.columns) tty.columns = 80;
  const rows = stream.rows && stream.rows > 0 ? stream.rows : 24;
  const layout = chooseLayout(hosts.length, lineIds.length, options.concurrency, rows);
  const counters: Counters = { done: 0, running: 0, failed: 0 };
  const header = new Slot(headerTitle(mode, hosts.length, counters));
  const view = layout === 'expanded' ? expandedView(hosts, lineIds, mask) : compactView(hosts, rows - 2, mask);

  const output = new ProcessOutput(stream, stream);
  const root = new Listr(
    [{ title: header.title, task: (_ctx, task) => (header.attach((t) => (task.title = t)), task.newListr(view.tasks, { concurrent: true, exitOnError: false })) }],
    {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: layout === 'compact' ? compactRenderer(output, stream) : StderrTreeRenderer,
      fallbackRendererCondition: false,
      silentRendererCondition: false,
      rendererOptions: {
        collapseSubtasks: false,
        collapseErrors: layout === 'compact', // compact: the host line already says why; no second copy
        // Compact serves big fleets: no spinner tick (a frame only when something changed) and one
        // line per host cut to the width instead of word-wrapped, the two costs of a frame.
        lazy: layout === 'compact',
        formatOutput: layout === 'compact' ? 'truncate' : 'wrap',
        logger: new ListrLogger({ useIcons: true, processOutput: output }),
      },
    },
  );
  const finished = root.run().then(() => undefined, () => undefined);

  const observe = (event: RunEvent): void => {
    if (event.type === 'run-finished') {
      view.settleAll();
      header.finish({ kind: 'ok', title: headerTitle(mode, hosts.length, counters, view.hidden()) });
      return;
    }
    if (!('host' in event) || !event.host) return;
    if (!view.has(event.host)) return;
    count(event, counters);
    view.apply(event.host, event);
    header.setTitle(headerTitle(mode, hosts.length, counters, view.hidden()));
  };
  return { observe, finished };
}

function count(event: RunEvent, counters: Counters): void {
  if (event.type === 'host-started') counters.running += 1;
  if (event.type === 'host-finished') {
    counters.running -= 1;
    counters.done += 1;
    if (event.result.status !== 'ok') counters.failed += 1;
  }
}

function headerTitle(mode: RunMode, total: number, c: Counters, hidden: Hidden = { running: 0, failed: 0 }): string {
  const notShown = (n: number) => (n > 0 ? ` (${n} not shown)` : '');
  return `nodescrub ${mode}: ${c.done}/${total} done, ${c.running} running${notShown(hidden.running)}, ${c.failed} failed${notShown(hidden.failed)}`;
}
