// Quoting and the refusal of names that cannot be shown or passed on safely.
// The quoting function itself lives in src/transport/shell-quote.ts (also used for sudo wrapping): one
// implementation for the whole tool, re-exported here so the recipe has a single import.
export { shellQuote } from '../transport/shell-quote.js';

// Bidirectional-text controls can make a name display as something else in a plan ("trojan source").
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Why `name` must not go into a command, or null when it may. shellQuote could pass most of these on
 * byte for byte, but a newline or control character cannot be shown honestly in a plan or a log
 * line (a terminal escape could even rewrite what the operator reads), and U+FFFD means the remote
 * bytes were not UTF-8: the decoded name is not the real one, so a command built from it would
 * name a different file. Such names are refused for the host, never guessed.
 */
export function unsafeNameReason(name: string): string | null {
  if (name === '') return 'is empty';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\n')) return 'contains a newline';
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(name);
  if (control) return `contains the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  if (name.includes('\ufffd')) return 'contains bytes that are not valid UTF-8';
  if (BIDI_CONTROL.test(name)) return 'contains a bidirectional-text control character';
  return null;
}

/** One refusal line naming the offending value escaped (so the message itself stays one safe line). */
export function describeUnsafe(what: string, name: string, reason: string): string {
  return `${what} ${JSON.stringify(name)} ${reason}: refusing to build a command from it`;
}
