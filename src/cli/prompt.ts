// The questions nodescrub asks on the terminal: a key passphrase (never shown) and a typed `yes`.
// One question at a time: two keys prompting at once would share one stdin.
import { interruptFromTerminal } from './interrupt.js';
import { readTerminalLine, type LineAnswer, type TerminalIo } from './read-terminal-line.js';

/** `yes` typed exactly; anything else; Ctrl-D / closed stdin; Ctrl-C or the run's signal. */
export type Confirmation = 'yes' | 'no' | 'eof' | 'interrupted';

export interface PromptOptions {
  signal?: AbortSignal;
  /** Default: stdin and stderr (stdout carries only results). */
  io?: TerminalIo;
}

/** Asks for a typed `yes`; the caller decides what an interruption means at its stage. */
export async function confirmTyped(question: string, options: PromptOptions = {}): Promise<Confirmation> {
  const answer = await ask(question, true, options);
  if (answer.kind === 'line') return answer.text.trim() === 'yes' ? 'yes' : 'no';
  return answer.kind;
}

/**
 * Asks for a key passphrase without echoing it; undefined skips the key (empty line, Ctrl-D, abort).
 * Ctrl-C in raw mode is a byte, not SIGINT: it is turned into the interruption SIGINT would be.
 */
export async function promptPassphrase(identityFile: string, options: PromptOptions = {}): Promise<string | undefined> {
  const answer = await ask(`Passphrase for ${identityFile}: `, false, options);
  if (answer.kind === 'interrupted' && answer.by === 'keyboard') interruptFromTerminal();
  return answer.kind === 'line' && answer.text.length > 0 ? answer.text : undefined;
}

let lastQuestion: Promise<unknown> = Promise.resolve();

function ask(question: string, echo: boolean, options: PromptOptions): Promise<LineAnswer> {
  const io = options.io ?? { input: process.stdin, output: process.stderr };
  const read = (): Promise<LineAnswer> => readTerminalLine(io, { question, echo, ...(options.signal ? { signal: options.signal } : {}) });
  const turn = lastQuestion.then(read, read);
  lastQuestion = turn;
  return turn;
}
