// The compact layout for big fleets: a fixed pool of rows, one per running or failed host.
import { Slot } from '../slot.js';
import { hostTitle, lineText, slotTask, type View } from './view.js';

/**
 * One line per host that is running (its current phase or step) or finished not ok; pending hosts and
 * hosts that finished ok cost no line. An ok host's notes (guard evidence, backup path) stay off the
 * screen here: on a big fleet they would crowd out the failures (the bench fleet gave every host the
 * same live-node note); line output, --report, --log-dir and ndjson carry them.
 * The listr2 tree is a fixed pool of rows, not a task per host: listr2 walks every task on every
 * frame, so a task per host made a frame O(M). Rows: up to half the
 * budget for finished hosts (they stay, in the order they ended), the rest for running hosts in the
 * order they started; the header counts the running hosts left off. An empty title draws nothing.
 * (Frame costs measured: BENCHMARKS.md.)
 */
export function compactView(hosts: readonly string[], budget: number, mask: (text: string) => string): View {
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
