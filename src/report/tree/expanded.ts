// The expanded layout: every host with one line per phase and step (chosen when the tree fits the screen).
import { Slot } from '../slot.js';
import { statusLabel } from '../status-label.js';
import { hostTitle, lineText, slotTask, type View } from './view.js';

/** Every host with its phase and step lines. Finished hosts collapse to one line; failed ones stay expanded. */
export function expandedView(hosts: readonly string[], lineIds: readonly string[], mask: (text: string) => string): View {
  const slots = new Map(
    hosts.map((name) => [name, { host: new Slot(name), lines: new Map(lineIds.map((id) => [id, new Slot(id)])), notes: [] as string[], lineFailed: false }]),
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
        const { status } = event.result;
        // listr2 marks a host by its lines: a host that is not ok (refused, unreachable, skipped…)
        // before any line failed would get a green tick: its first line not run fails with the status.
        if (status !== 'ok' && !s.lineFailed) {
          const next = [...s.lines].find(([, slot]) => !slot.isSettled);
          if (next) next[1].finish({ kind: status === 'skipped' ? 'skip' : 'fail', title: mask(`${next[0]}: ${statusLabel(event.result)}`) });
        }
        settle(s, status === 'ok' ? 'not needed' : 'not run');
        s.host.setTitle(mask(hostTitle(host, event.result, s.notes)));
        return;
      }
      const line = lineText(event);
      const slot = line && s.lines.get(line.id);
      if (!line || !slot) return;
      if (line.outcome === 'fail') s.lineFailed = true;
      if (line.outcome) slot.finish({ kind: line.outcome, title: mask(line.text) });
      else slot.setTitle(mask(line.text));
    },
    settleAll: () =>
      slots.forEach((s, host) => {
        // A host the run never reached (interrupted, a failure budget): not a green tick either.
        if ([...s.lines.values()].every((slot) => !slot.isSettled)) {
          const [id, first] = [...s.lines][0] ?? [];
          if (first) first.finish({ kind: 'fail', title: `${id}: not started` });
          s.host.setTitle(`${host}: not started`);
        }
        settle(s, 'not started');
      }),
    hidden: () => ({ running: 0, failed: 0 }),
  };
}
