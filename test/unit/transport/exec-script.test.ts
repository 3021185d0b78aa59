// execScript is the one path to a host: every command it runs becomes a `command` event, secrets masked.
import { describe, expect, it } from '@jest/globals';
import { execScript, type CommandEvent } from '../../../src/transport/exec-script.js';
import type { ExecOptions, ExecResult, Transport } from '../../../src/transport/transport.js';

/** A transport that answers every command with `answer` and remembers what it was asked. */
function answering(answer: Partial<ExecResult>): Transport & { asked: { command: string; options?: ExecOptions }[] } {
  const asked: { command: string; options?: ExecOptions }[] = [];
  return {
    asked,
    exec: async (command, options) => {
      asked.push({ command, options });
      return { command, exitCode: 0, stdout: '', stderr: '', timedOut: false, aborted: false, durationMs: 12, ...answer };
    },
    close: async () => undefined,
  };
}

function run(transport: Transport, options: Parameters<typeof execScript>[3]) {
  const events: CommandEvent[] = [];
  const signal = new AbortController().signal;
  const result = execScript({ host: 'node1', transport, signal, emit: (e) => events.push(e) }, 'backup', 'tar …', options);
  return { events, result, signal };
}

describe('execScript', () => {
  it('runs the script with the given timeout and the context signal, and records it like a step', async () => {
    const transport = answering({ stdout: 'done\n', stderr: 'warn\n' });
    const { events, result, signal } = run(transport, { timeoutMs: 1500 });
    expect((await result).stdout).toBe('done\n');
    expect(transport.asked).toEqual([{ command: 'tar …', options: { timeoutMs: 1500, signal } }]);
    expect(events).toEqual([{ type: 'command', host: 'node1', stepId: 'backup', command: 'tar …', exitCode: 0, stdout: 'done\n', stderr: 'warn\n', durationMs: 12 }]);
  });

  it('replaces secret output by its size in the record, but returns it whole', async () => {
    const stdout = 'client-key-data: c2VjcmV0\n';
    const { events, result } = run(answering({ stdout }), { timeoutMs: 1000, secret: true });
    expect((await result).stdout).toBe(stdout);
    expect(events[0]).toMatchObject({ stdout: `[${stdout.length} bytes not logged: may hold credentials]` });
    expect(JSON.stringify(events)).not.toContain('c2VjcmV0');
  });

  it('passes stdout through `loggable` for the record', async () => {
    const { events } = run(answering({ stdout: 'a\nsecret\n' }), { timeoutMs: 1000, loggable: (s) => s.replace('secret', '[redacted]') });
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(events[0]?.stdout).toBe('a\n[redacted]\n');
  });

  it('returns a timed-out command as data and still records it', async () => {
    const { events, result } = run(answering({ exitCode: null, timedOut: true }), { timeoutMs: 10 });
    expect(await result).toMatchObject({ timedOut: true, exitCode: null });
    expect(events).toHaveLength(1);
  });
});
