import { PassThrough } from 'node:stream';
import { chooseLayout, startTaskTree, treeLines } from '../../../src/report/task-tree.js';
import { displayWidth } from '../../../src/report/frame-writer.js';
import type { HostResult } from '../../../src/run/results.js';

// A fake terminal: listr2's default renderer writes its frames here.
function fakeTty() {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40 });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const plain = () => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  // Each frame log-update draws starts after its erase sequence (ESC[G); the last one is the screen.
  const frames = () => text.split('\u001b[G').slice(1).map((f) => f.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').trimEnd());
  return { stream, text: plain, frames };
}

const result = (name: string, over: Partial<HostResult>): HostResult => ({ name, address: name, status: 'ok', steps: [], durationMs: 1, ...over });

describe('task tree', () => {
  it('draws hosts with live step titles and keeps failures visible', async () => {
    const tty = fakeTty();
    const tree = startTaskTree(['node1', 'node2'], treeLines('run', ['docker'], false), 'run', tty.stream, { concurrency: 2 });
    tree.observe({ type: 'run-started', hosts: ['node1', 'node2'], mode: 'run', at: '' });
    tree.observe({ type: 'host-started', host: 'node1' });
    tree.observe({ type: 'host-started', host: 'node2' });
    tree.observe({ type: 'phase-finished', host: 'node1', phase: 'connect', ok: true, message: 'connected' });
    tree.observe({ type: 'phase-finished', host: 'node1', phase: 'discover', ok: true, message: '2 artifacts found' });
    tree.observe({
      type: 'step-finished',
      host: 'node1',
      result: { stepId: 'docker', title: 'Docker', status: 'changed', removed: [{ category: 'containers', name: 'a' }, { category: 'volumes', name: 'v' }], left: [], deferred: [], notes: [], durationMs: 1 },
    });
    tree.observe({ type: 'phase-finished', host: 'node1', phase: 'verify', ok: true, message: 'verified clean' });
    tree.observe({ type: 'host-note', host: 'node1', message: 'backup: /var/backups/nodescrub/node1.tar.gz' });
    tree.observe({ type: 'host-finished', host: 'node1', result: result('node1', {}) });
    tree.observe({ type: 'phase-finished', host: 'node2', phase: 'connect', ok: false, message: 'connection refused' });
    tree.observe({ type: 'host-finished', host: 'node2', result: result('node2', { status: 'unreachable', failure: 'unreachable', reason: 'connection refused' }) });
    tree.observe({ type: 'run-finished', results: [], interrupted: false });
    await tree.finished;
    const out = tty.text();
    expect(out).toContain('nodescrub run: 2/2 done, 0 running, 1 failed');
    expect(out).toContain('docker: removed 1 container, 1 volume');
    expect(out).toContain('node2: unreachable — connection refused');
    expect(out).toContain('node1: ok [backup: /var/backups/nodescrub/node1.tar.gz]');
    expect(out).toContain('connect: connection refused');
  });
});

describe('task tree marks', () => {
  it('a host that is not ok never gets a green tick, even when none of its lines failed', async () => {
    const tty = fakeTty();
    const tree = startTaskTree(['good', 'refused', 'late'], treeLines('run', ['docker'], false), 'run', tty.stream, { concurrency: 3 });
    tree.observe({ type: 'run-started', hosts: ['good', 'refused', 'late'], mode: 'run', at: '' });
    for (const host of ['good', 'refused']) {
      tree.observe({ type: 'host-started', host });
      tree.observe({ type: 'phase-finished', host, phase: 'connect', ok: true, message: 'connected' });
    }
    tree.observe({ type: 'host-finished', host: 'good', result: result('good', {}) });
    // Refused by a guard after connecting: no line failed, the host did.
    tree.observe({ type: 'host-finished', host: 'refused', result: result('refused', { status: 'refused', failure: 'refused', reason: 'live node: Ready' }) });
    tree.observe({ type: 'run-finished', results: [], interrupted: true }); // `late` never started
    await tree.finished;
    const last = tty.frames().pop() ?? '';
    const mark = (host: string) => last.split('\n').find((l) => l.includes(`${host}: `))?.trim().charAt(0);
    expect(mark('good')).toBe('✔');
    expect(['✖', '⚠']).toContain(mark('refused'));
    expect(['✖', '⚠']).toContain(mark('late'));
    expect(last).toContain('late: not started');
    expect(last).toContain('refused: refused — live node: Ready');
    expect(last).toContain('discover: refused');
  });
});

describe('task tree on a big fleet (compact layout)', () => {
  it('chooses the layout from the terminal height', () => {
    const lines = treeLines('run', ['a', 'b', 'c', 'd', 'e', 'f'], false).length; // 9
    expect(chooseLayout(2, lines, 2, 40)).toBe('expanded'); // 1 + 2 + 18 = 21 rows
    expect(chooseLayout(8, lines, 8, 40)).toBe('compact'); // 1 + 8 + 72 rows do not fit
    expect(chooseLayout(300, lines, 1, 300)).toBe('compact'); // one line per host alone is too tall
  });

  it('keeps every frame within the screen: running hosts with their phase, failed hosts, ok hosts gone', async () => {
    const tty = fakeTty(); // 40 rows
    const hosts = Array.from({ length: 300 }, (_, i) => `h${i + 1}`);
    const tree = startTaskTree(hosts, treeLines('run', ['docker'], false), 'run', tty.stream, { concurrency: 100 });
    tree.observe({ type: 'run-started', hosts, mode: 'run', at: '' });
    for (const host of hosts.slice(0, 100)) tree.observe({ type: 'host-started', host });
    tree.observe({ type: 'step-started', host: 'h1', stepId: 'docker', title: 'Docker', artifacts: [{ category: 'containers', name: 'a' }] });
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the next frame (at most 4 a second)
    const live = tty.frames().at(-1)!;
    expect(live.split('\n').length).toBeLessThanOrEqual(40);
    expect(live).toContain('nodescrub run: 0/300 done, 100 running (');
    expect(live).toContain('h1: docker: removing 1 container');
    expect(live).toContain('h2: connect: …');
    expect(live).not.toContain('h300');

    tree.observe({ type: 'host-note', host: 'h3', message: 'live node: not checked' }); // an ok host's note: not worth a row
    for (const host of hosts.slice(0, 100)) {
      const failed = host === 'h7';
      tree.observe({
        type: 'host-finished',
        host,
        result: result(host, failed ? { status: 'unreachable', failure: 'unreachable', reason: `connection refused ${'x'.repeat(300)}` } : {}),
      });
    }
    tree.observe({ type: 'run-finished', results: [], interrupted: false });
    await tree.finished;
    const last = tty.frames().at(-1)!;
    expect(last).toContain('nodescrub run: 100/300 done, 0 running, 1 failed');
    expect(last).toContain('h7: unreachable — connection refused');
    expect(last).not.toMatch(/\bh1:/); // finished ok: counted in the header, listed by the summary
    expect(last).not.toContain('h3:');
    expect(last.split('\n').filter((l) => l.trim()).length).toBe(2);
    for (const line of last.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(120); // cut, not wrapped
  });

  it('says how many failures are off the screen when they outnumber their rows', async () => {
    const tty = fakeTty(); // 40 rows: 38 for hosts, at most 19 of them for finished ones
    const hosts = Array.from({ length: 50 }, (_, i) => `h${i + 1}`);
    const tree = startTaskTree(hosts, treeLines('run', ['docker'], false), 'run', tty.stream, { concurrency: 50 });
    tree.observe({ type: 'run-started', hosts, mode: 'run', at: '' });
    for (const host of hosts) tree.observe({ type: 'host-started', host });
    for (const host of hosts.slice(0, 25)) {
      tree.observe({ type: 'host-finished', host, result: result(host, { status: 'unreachable', failure: 'unreachable', reason: 'connection refused' }) });
    }
    for (const host of hosts.slice(25)) tree.observe({ type: 'host-finished', host, result: result(host, {}) });
    tree.observe({ type: 'run-finished', results: [], interrupted: false });
    await tree.finished;
    const last = tty.frames().at(-1)!;
    expect(last).toContain('nodescrub run: 50/50 done, 0 running, 25 failed (6 not shown)');
    expect(last.split('\n').filter((l) => l.includes('unreachable — connection refused'))).toHaveLength(19);
    expect(last).toContain('h19: unreachable');
    expect(last).not.toContain('h20:');
  });
});
