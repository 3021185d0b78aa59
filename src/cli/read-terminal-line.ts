// Reads one line from the terminal with stdin in raw mode, keys handled by hand (line-keys.ts).
// Why not readline: on Node 20 `readline/promises` echoes every typed character itself, and the
// private `_writeToOutput` hook that used to hide a passphrase is not called — it was shown.
import { StringDecoder } from 'node:string_decoder';
import { applyKeys, echoEdit, type LineEnd } from './line-keys.js';

/** The line, end of input (Ctrl-D, stdin closed), or an interruption (Ctrl-C typed, or the signal). */
export type LineAnswer = { kind: 'line'; text: string } | { kind: 'eof' } | { kind: 'interrupted'; by: 'keyboard' | 'signal' };

/** The two ends of the terminal: process.stdin and process.stderr, or fakes in tests. */
export interface TerminalIo {
  input: Pick<NodeJS.ReadStream, 'isTTY' | 'isRaw' | 'setRawMode' | 'on' | 'off' | 'pause' | 'resume'>;
  output: Pick<NodeJS.WritableStream, 'write'>;
}

export interface LineRequest {
  question: string;
  /** Show what is typed (a `yes`); false for secrets: then only the question and a final newline are written. */
  echo: boolean;
  /** Aborting it (SIGTERM, Ctrl-C elsewhere) ends the read as interrupted. */
  signal?: AbortSignal;
}

/**
 * Writes the question, reads keys until Enter / Ctrl-C / Ctrl-D / end of input / abort, and puts the
 * terminal back in the mode it was in on every one of those paths. A non-TTY input (a pipe) is read
 * the same way, without raw mode.
 */
export function readTerminalLine(io: TerminalIo, request: LineRequest): Promise<LineAnswer> {
  const { input, output } = io;
  const { signal } = request;
  if (signal?.aborted) return Promise.resolve({ kind: 'interrupted', by: 'signal' });
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    const wasRaw = input.isRaw === true;
    let text = '';
    let done = false;
    const finish = (answer: LineAnswer): void => {
      if (done) return;
      done = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onEnd);
      signal?.removeEventListener('abort', onAbort);
      input.pause();
      if (input.isTTY) input.setRawMode(wasRaw);
      output.write('\n');
      resolve(answer);
    };
    const onData = (chunk: Buffer | string): void => {
      const edit = applyKeys(text, typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (request.echo) output.write(echoEdit(text, edit.text));
      text = edit.text;
      if (edit.end) finish(answerFor(edit.end, text));
    };
    const onEnd = (): void => finish({ kind: 'eof' });
    const onAbort = (): void => finish({ kind: 'interrupted', by: 'signal' });
    // Raw mode before the question: a key typed once the question shows is never echoed by the terminal.
    if (input.isTTY) input.setRawMode(true);
    output.write(request.question);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    input.resume();
  });
}

function answerFor(end: LineEnd, text: string): LineAnswer {
  if (end === 'enter') return { kind: 'line', text };
  return end === 'eof' ? { kind: 'eof' } : { kind: 'interrupted', by: 'keyboard' };
}
