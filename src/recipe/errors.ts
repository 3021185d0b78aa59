// The one error the probe parser raises: remote output it does not understand is refused, never skipped.
import { NodescrubError } from '../errors.js';

/** Probe output that does not parse; the message is one line naming the section and what was wrong. */
export class ProbeParseError extends NodescrubError {}

/** Shows a fragment of remote text safely on one line (escaped, bounded) for an error message. */
export function excerpt(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
