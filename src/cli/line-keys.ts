// What keys typed on a raw-mode terminal do to a line being entered: pure, so every key is testable
// without a terminal. In raw mode the terminal interprets nothing: Enter, Ctrl-C, Ctrl-D, Backspace
// and Ctrl-U all arrive here as bytes.

/** How a line ended: Enter, Ctrl-C, or Ctrl-D on an empty line (end of input, as a terminal does). */
export type LineEnd = 'enter' | 'interrupt' | 'eof';

export interface LineEdit {
  text: string;
  /** Set once the line is finished; keys after it in the same chunk are dropped. */
  end?: LineEnd;
}

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const BACKSPACE = '\x08';
const CTRL_U = '\x15';
const ESC = '\x1b';
const DELETE = '\x7f';

/** Applies a chunk of typed input to `text`; escape sequences (arrows, function keys) are ignored. */
export function applyKeys(text: string, chunk: string): LineEdit {
  const keys = Array.from(chunk); // code points: a multi-byte character is one key
  let line = Array.from(text);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (key === '\r' || key === '\n') return { text: line.join(''), end: 'enter' };
    if (key === CTRL_C) return { text: line.join(''), end: 'interrupt' };
    if (key === CTRL_D) {
      if (line.length === 0) return { text: '', end: 'eof' };
    } else if (key === BACKSPACE || key === DELETE) {
      line = line.slice(0, -1);
    } else if (key === CTRL_U) {
      line = [];
    } else if (key === ESC) {
      index = skipEscapeSequence(keys, index);
    } else if (key >= ' ') {
      line.push(key);
    } // other control characters (Tab, Ctrl-Z, …) are ignored
  }
  return { text: line.join('') };
}

/** What to write so a visible line shows `after` instead of `before`: erase back to the common prefix, then type. */
export function echoEdit(before: string, after: string): string {
  const old = Array.from(before);
  const now = Array.from(after);
  let common = 0;
  while (common < old.length && common < now.length && old[common] === now[common]) common++;
  return '\b \b'.repeat(old.length - common) + now.slice(common).join('');
}

// ESC [ params final (CSI), ESC O x (SS3), or ESC x (Alt+key): returns the index of its last key.
function skipEscapeSequence(keys: readonly string[], start: number): number {
  const next = keys[start + 1];
  if (next === '[') {
    let index = start + 2;
    while (index < keys.length && !isCsiFinal(keys[index]!)) index++;
    return index;
  }
  if (next === 'O') return start + 2;
  return next === undefined ? start : start + 1;
}

function isCsiFinal(key: string): boolean {
  const code = key.codePointAt(0)!;
  return code >= 0x40 && code <= 0x7e;
}
