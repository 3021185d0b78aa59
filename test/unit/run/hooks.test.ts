import { commandRecorder } from '../../../src/run/hooks.js';
import type { RunEvent } from '../../../src/run/events.js';

describe('commandRecorder (hooks\' commands in the logs)', () => {
  const result = { command: 'x', exitCode: 0, stdout: 'client-key-data: c2VjcmV0\n', stderr: 'warn\n', durationMs: 12, timedOut: false, aborted: false };

  it('emits a command event like a step\'s', () => {
    const events: RunEvent[] = [];
    commandRecorder('node1', (e) => events.push(e))('backup', 'tar …', result);
    expect(events).toEqual([{ type: 'command', host: 'node1', stepId: 'backup', command: 'tar …', exitCode: 0, stdout: result.stdout, stderr: 'warn\n', durationMs: 12 }]);
  });

  it('replaces secret output by its size', () => {
    const events: RunEvent[] = [];
    commandRecorder('node1', (e) => events.push(e))('live-node', 'cat …', result, { secret: true });
    expect(events[0]).toMatchObject({ stdout: `[${result.stdout.length} bytes not logged: may hold credentials]`, stderr: 'warn\n' });
    expect(JSON.stringify(events)).not.toContain('c2VjcmV0');
  });
});
