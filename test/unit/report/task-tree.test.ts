import { PassThrough } from 'node:stream';
import { startTaskTree, treeLines } from '../../../src/report/task-tree.js';
import type { HostResult } from '../../../src/run/results.js';

// A fake terminal: listr2's default renderer writes its frames here.
function fakeTty() {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40 });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
}

const result = (name: string, over: Partial<HostResult>): HostResult => ({ name, address: name, status: 'ok', steps: [], durationMs: 1, ...over });

describe('task tree', () => {
  it('draws hosts with live step titles and keeps failures visible', async () => {
    const tty = fakeTty();
    const tree = startTaskTree(['node1', 'node2'], treeLines('run', ['docker'], false), 'run', tty.stream);
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
    expect(out).toContain('docker: removed 1 containers, 1 volumes');
    expect(out).toContain('node2: unreachable — connection refused');
    expect(out).toContain('node1: ok [backup: /var/backups/nodescrub/node1.tar.gz]');
    expect(out).toContain('connect: connection refused');
  });
});
