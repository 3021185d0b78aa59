import { EventEmitter } from 'node:events';
import { readTerminalLine, type TerminalIo } from '../../../src/cli/read-terminal-line.js';

/** A stdin that records its raw-mode changes, and a stderr that records what was written. */
function fakeTerminal(isTTY = true) {
  const emitter = new EventEmitter();
  const rawModes: boolean[] = [];
  const written: string[] = [];
  const input = Object.assign(emitter, {
    isTTY,
    isRaw: false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      input.isRaw = mode;
      return input;
    },
    pause: () => input,
    resume: () => input,
  });
  const io = { input, output: { write: (text: string) => written.push(text) > 0 } } as unknown as TerminalIo;
  const type = (keys: string): void => void emitter.emit('data', Buffer.from(keys));
  return { io, input, rawModes, written, type, listeners: () => emitter.listenerCount('data') };
}

describe('readTerminalLine', () => {
  it('hidden: raw mode first, then the question; only the question and a newline are written', async () => {
    const term = fakeTerminal();
    const answer = readTerminalLine(term.io, { question: 'Passphrase: ', echo: false });
    expect(term.rawModes).toEqual([true]);
    term.type('s3cr');
    term.type('et\r');
    await expect(answer).resolves.toEqual({ kind: 'line', text: 's3cret' });
    expect(term.written).toEqual(['Passphrase: ', '\n']);
    expect(term.rawModes).toEqual([true, false]);
    expect(term.listeners()).toBe(0);
  });

  it('a character split across two chunks is decoded whole', async () => {
    const term = fakeTerminal();
    const answer = readTerminalLine(term.io, { question: '? ', echo: false });
    const euro = Buffer.from('€\r');
    term.input.emit('data', euro.subarray(0, 1));
    term.input.emit('data', euro.subarray(1));
    await expect(answer).resolves.toEqual({ kind: 'line', text: '€' });
  });

  it('visible: echoes the typing, erasing on Backspace', async () => {
    const term = fakeTerminal();
    const answer = readTerminalLine(term.io, { question: 'Type "yes": ', echo: true });
    for (const keys of ['yo', '\x7f', 'es\r']) term.type(keys);
    await expect(answer).resolves.toEqual({ kind: 'line', text: 'yes' });
    expect(term.written).toEqual(['Type "yes": ', 'yo', '\b \b', 'es', '\n']);
  });

  it.each([
    ['Ctrl-C', '\x03', { kind: 'interrupted', by: 'keyboard' }],
    ['Ctrl-D', '\x04', { kind: 'eof' }],
  ])('%s ends the read and restores the mode', async (_name, key, expected) => {
    const term = fakeTerminal();
    const answer = readTerminalLine(term.io, { question: '? ', echo: false });
    term.type(key);
    await expect(answer).resolves.toEqual(expected);
    expect(term.rawModes).toEqual([true, false]);
    expect(term.written).toEqual(['? ', '\n']);
  });

  it('stdin closing is end of input; the mode is restored', async () => {
    const term = fakeTerminal();
    const answer = readTerminalLine(term.io, { question: '? ', echo: false });
    term.input.emit('end');
    await expect(answer).resolves.toEqual({ kind: 'eof' });
    expect(term.rawModes).toEqual([true, false]);
  });

  it('an abort (SIGTERM) ends the read as interrupted and restores the mode; aborted before: nothing is asked', async () => {
    const term = fakeTerminal();
    const controller = new AbortController();
    const answer = readTerminalLine(term.io, { question: '? ', echo: false, signal: controller.signal });
    controller.abort();
    await expect(answer).resolves.toEqual({ kind: 'interrupted', by: 'signal' });
    expect(term.rawModes).toEqual([true, false]);
    expect(term.listeners()).toBe(0);

    const again = fakeTerminal();
    await expect(readTerminalLine(again.io, { question: '? ', echo: false, signal: controller.signal })).resolves.toEqual({ kind: 'interrupted', by: 'signal' });
    expect(again.written).toEqual([]);
    expect(again.rawModes).toEqual([]);
  });

  it('puts back a terminal that was already raw as raw', async () => {
    const term = fakeTerminal();
    term.input.isRaw = true;
    const answer = readTerminalLine(term.io, { question: '? ', echo: false });
    term.type('\r');
    await answer;
    expect(term.rawModes).toEqual([true, true]);
  });

  it('a pipe (not a TTY) is read without raw mode', async () => {
    const term = fakeTerminal(false);
    const answer = readTerminalLine(term.io, { question: '? ', echo: true });
    term.type('yes\n');
    await expect(answer).resolves.toEqual({ kind: 'line', text: 'yes' });
    expect(term.rawModes).toEqual([]);
  });
});
