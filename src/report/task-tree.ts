// The live TTY task tree (listr2): host -> phases and steps. It only observes engine events.
//
// Two layouts, chosen once from the terminal's height:
// - expanded: every host with one line per phase and step, when the whole tree fits on the screen;
// - compact: one line per *running* host showing its current phase; a host that finished ok leaves
//   the screen (the header counts it, the summary lists it), a failed one stays with its reason.
//   A frame taller than the terminal cannot be redrawn in place (it scrolls and smears), and a tree of
//   a thousand hosts costs a thousand lines per frame: compact keeps every frame within the screen.
// Frames are throttled: listr2 redraws on every title change, which is O(events × lines).
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import type { RunEvent, RunMode } from '../run/events.js';
import { statusLabel } from '../run/results.js';
import { describeCounts } from './categories.js';
import { stepLine } from './line-output.js';
import { displayWidth, FrameWriter } from './frame-writer.js';
import { Slot } from './slot.js';

/** listr2's default renderer, allowed when stdout is not a TTY (the CLI decides: stderr TTY, no CI), throttled. */
class StderrTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;
  /** At most one frame per this many ms; the spinner tick and events only ask for one. */
  protected frameMs = 100;
  private lastFrame = 0;
  private pendingFrame?: NodeJS.Timeout;

  override update(): void {
    const wait = this.lastFrame + this.frameMs - Date.now();
    if (wait <= 0) {
      this.lastFrame = Date.now();
      this.draw();
    } else if (!this.pendingFrame) {
      this.pendingFrame = setTimeout(() => {
        this.pendingFrame = undefined;
        this.lastFrame = Date.now();
        this.draw();
      }, wait);
    }
  }

  protected draw(): void {
    super.update();
  }

  override end(): void {
    clearTimeout(this.pendingFrame);
    this.pendingFrame = undefined;
    super.end();
  }
}

/**
 * Big fleets: at most 2 frames a second, drawn by FrameWriter instead of log-update, and lines that
 * fit are not measured again by cli-truncate. With a task per row (not per host) a frame of 50 lines
 * went from ≈ 70 ms of CPU to a few ms (see BENCHMARKS.md).
 */
function compactRenderer(output: ProcessOutput, stream: NodeJS.WriteStream): typeof StderrTreeRenderer {
  const terminal = output.stdout; // writes past listr2's hijack of the stream
  const size = () => ({ columns: stream.columns || 80, rows: stream.rows || 24 });
  return class CompactTreeRenderer extends StderrTreeRenderer {
    protected override frameMs = 500;
    private readonly frame = new FrameWriter(terminal, size);

    protected override draw(): void {
      this.frame.draw(this.create());
    }

    protected override format(message: string, icon: string, level: number): string[] {
      const line = icon ? `${icon} ${message}` : message;
      const room = Math.min(size().columns, process.stdout.columns ?? 80) - level * 2 - 2; // as listr2 cuts
      if (message.trim() === '' || message.includes('\n') || displayWidth(line) > room) return super.format(message, icon, level);
      return [' '.repeat(level * 2) + line];
    }

    override end(): void {
      this.frame.clear();
      super.end();
    }
  };
}

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
type Hidden = { running: number; failed: number };

/** Builds the tree for known hosts and lines and starts rendering to `stream` (stderr). */
export function startTaskTree(
  hosts: readonly string[],
  lineIds: readonly string[],
  mode: RunMode,
  stream: NodeJS.WriteStream,
  options: TaskTreeOptions,
): TaskTree {
  const mask = options.mask ?? ((text: string) => text);
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

interface View {
  tasks: ListrTask[];
  has(host: string): boolean;
  apply(host: string, event: RunEvent): void;
  settleAll(): void;
  /** Hosts running, and hosts failed, that are not on screen (compact layout over budget). */
  hidden(): Hidden;
}

function count(event: RunEvent, counters: Counters): void {
  if (event.type === 'host-started') counters.running += 1;
  if (event.type === 'host-finished') {
    counters.running -= 1;
    counters.done += 1;
    if (event.result.status !== 'ok') counters.failed += 1;
  }
}

function hostTitle(host: string, result: Extract<RunEvent, { type: 'host-finished' }>['result'], notes: string[]): string {
  const reason = result.reason ? ` — ${result.reason}` : '';
  return `${host}: ${statusLabel(result)}${reason}${notes.length > 0 ? ` [${notes.join('; ')}]` : ''}`;
}

/** What a phase or step event says, as the text of its line. */
function lineText(event: RunEvent): { id: string; text: string; outcome?: 'ok' | 'fail' | 'skip' } | undefined {
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

/** Every host with its phase and step lines. Finished hosts collapse to one line; failed ones stay expanded. */
function expandedView(hosts: readonly string[], lineIds: readonly string[], mask: (text: string) => string): View {
  const slots = new Map(
    hosts.map((name) => [name, { host: new Slot(name), lines: new Map(lineIds.map((id) => [id, new Slot(id)])), notes: [] as string[] }]),
  );
  const settle = (s: { lines: Map<string, Slot> }, why: string) => {
    for (const [id, slot] of s.lines) if (!slot.isSettled) slot.finish({ kind: 'skip', title: `${id}: ${why}` });
  };
  return {
    tasks: [...slots.values()].map((s) => ({
      title: s.host.title,
      task: (_ctx, task) => {
        s.host.attach((title) => (task.title = title));
        return task.newListr([...s.lines.values()].map(slotTask), { concurrent: false, exitOnError: false, rendererOptions: { collapseSubtasks: true } });
      },
    })),
    has: (host) => slots.has(host),
    apply(host, event) {
      const s = slots.get(host)!;
      if (event.type === 'host-note') s.notes.push(event.message); // masked with the title it ends up in
      if (event.type === 'host-finished') {
        settle(s, event.result.status === 'ok' ? 'not needed' : 'not run');
        s.host.setTitle(mask(hostTitle(host, event.result, s.notes)));
        return;
      }
      const line = lineText(event);
      const slot = line && s.lines.get(line.id);
      if (!line || !slot) return;
      if (line.outcome) slot.finish({ kind: line.outcome, title: mask(line.text) });
      else slot.setTitle(mask(line.text));
    },
    settleAll: () => slots.forEach((s) => settle(s, 'not started')),
    hidden: () => ({ running: 0, failed: 0 }),
  };
}

/**
 * One line per host that is running (its current phase or step) or finished not ok; pending hosts and
 * hosts that finished ok cost no line. An ok host's notes (guard evidence, backup path) stay off the
 * screen here: on a big fleet they would crowd out the failures (the bench fleet gave every host the
 * same live-node note); line output, --report, --log-dir and ndjson carry them.
 * The listr2 tree is a fixed pool of rows, not a task per host: listr2 walks every task on every
 * frame, so a task per host made a frame O(M) (≈ 35 ms of listr2 per frame at M=200). Rows: up to half the
 * budget for finished hosts (they stay, in the order they ended), the rest for running hosts in the
 * order they started; the header counts the running hosts left off. An empty title draws nothing.
 */
function compactView(hosts: readonly string[], budget: number, mask: (text: string) => string): View {
  const known = new Set(hosts);
  const finishedRows = Array.from({ length: Math.floor(budget / 2) }, () => new Slot(''));
  const runningRows = Array.from({ length: budget }, () => new Slot(''));
  const running = new Map<string, string>(); // host -> its current line, in start order
  const rowOf = new Map<string, Slot>(); // running hosts on screen
  const notes = new Map<string, string[]>();
  let finishedShown = 0;
  let failedOffScreen = 0; // failures beyond the finished rows: the header says so, the summary lists them

  const redistribute = () => {
    const room = Math.max(budget - finishedShown, Math.ceil(budget / 2));
    rowOf.clear();
    let row = 0;
    for (const [host, text] of running) {
      if (row >= room) break;
      runningRows[row].setTitle(text);
      rowOf.set(host, runningRows[row]);
      row += 1;
    }
    for (; row < runningRows.length; row += 1) runningRows[row].setTitle('');
  };

  return {
    tasks: [...finishedRows, ...runningRows].map(slotTask),
    has: (host) => known.has(host),
    apply(host, event) {
      if (event.type === 'host-note') notes.set(host, [...(notes.get(host) ?? []), event.message]); // masked in hostTitle's line
      if (event.type === 'host-started') {
        running.set(host, mask(`${host}: connect: …`));
        redistribute();
        return;
      }
      if (event.type === 'host-finished') {
        running.delete(host);
        const hostNotes = notes.get(host) ?? [];
        notes.delete(host);
        if (event.result.status !== 'ok' && finishedShown < finishedRows.length) {
          const kind = event.result.status === 'skipped' ? 'skip' : 'fail';
          finishedRows[finishedShown].finish({ kind, title: mask(hostTitle(host, event.result, hostNotes)) });
          finishedShown += 1;
        } else if (event.result.status !== 'ok') failedOffScreen += 1;
        redistribute();
        return;
      }
      const line = lineText(event);
      if (!line || !running.has(host)) return;
      // Which hosts are on screen changes only when one starts or ends: here just this host's row.
      const text = mask(`${host}: ${line.text}`);
      running.set(host, text);
      rowOf.get(host)?.setTitle(text);
    },
    settleAll() {
      for (const row of [...finishedRows, ...runningRows]) row.finish({ kind: 'ok', title: '' });
    },
    hidden: () => ({ running: running.size - rowOf.size, failed: failedOffScreen }),
  };
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

function headerTitle(mode: RunMode, total: number, c: Counters, hidden: Hidden = { running: 0, failed: 0 }): string {
  const notShown = (n: number) => (n > 0 ? ` (${n} not shown)` : '');
  return `nodescrub ${mode}: ${c.done}/${total} done, ${c.running} running${notShown(hidden.running)}, ${c.failed} failed${notShown(hidden.failed)}`;
}
