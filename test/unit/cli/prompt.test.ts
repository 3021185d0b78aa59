import { EventEmitter } from 'node:events';
import { installInterrupt } from '../../../src/cli/interrupt.js';
import { confirmTyped, promptPassphrase } from '../../../src/cli/prompt.js';
import type { TerminalIo } from '../../../src/cli/read-terminal-line.js';

function fakeTerminal() {
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    isRaw: false,
    setRawMode: (mode: boolean) => ((input.isRaw = mode), input),
    pause: () => input,
    resume: () => input,
  });
  const written: string[] = [];
  const io = { input, output: { write: (text: string) => written.push(text) > 0 } } as unknown as TerminalIo;
  return { io, written, type: (keys: string) => void input.emit('data', Buffer.from(keys)) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('prompts', () => {
  it('ask one question at a time: the second is written once the first is answered', async () => {
    const term = fakeTerminal();
    const first = promptPassphrase('/keys/a', { io: term.io });
    const second = promptPassphrase('/keys/b', { io: term.io });
    await tick();
    expect(term.written).toEqual(['Passphrase for /keys/a: ']);
    term.type('one\r');
    await expect(first).resolves.toBe('one');
    await tick();
    expect(term.written).toEqual(['Passphrase for /keys/a: ', '\n', 'Passphrase for /keys/b: ']);
    term.type('\r');
    await expect(second).resolves.toBeUndefined(); // an empty passphrase skips the key
  });

  it('a confirmation is `yes` exactly (spaces aside), anything else is no; Ctrl-D is eof, Ctrl-C interrupted', async () => {
    const answers: string[] = [];
    for (const keys of [' yes \r', 'y\r', 'YES\r', '\x04', 'ye\x03']) {
      const term = fakeTerminal();
      const answer = confirmTyped('Go? ', { io: term.io });
      await tick();
      term.type(keys);
      answers.push(await answer);
    }
    expect(answers).toEqual(['yes', 'no', 'no', 'eof', 'interrupted']);
  });

  it('Ctrl-C at the passphrase prompt interrupts like SIGINT (the run stops), and skips the key', async () => {
    const signals: string[] = [];
    const interrupt = installInterrupt((name) => signals.push(name), () => undefined);
    try {
      const term = fakeTerminal();
      const answer = promptPassphrase('/keys/a', { io: term.io, signal: interrupt.signal });
      await tick();
      term.type('half\x03');
      await expect(answer).resolves.toBeUndefined();
      expect(signals).toEqual(['SIGINT']);
      expect(interrupt.signal.aborted).toBe(true);
    } finally {
      interrupt.dispose();
    }
  });
});
