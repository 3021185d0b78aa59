// Splits the probe's two streams into sections by nonce markers, strictly: a marker out of place, a
// missing or duplicate section, or text between sections on stdout is an error, never skipped.
import { ProbeParseError } from '../errors.js';
import type { SectionOutput } from './section.js';

/** What each section prints around its output (see script.ts). */
export function markerPrefix(nonce: string): string {
  return `@@nodescrub:${nonce}:`;
}

/** The nonce keeps markers unforgeable by remote text; it is also pasted into a shell script. */
export function checkNonce(nonce: string): void {
  if (!/^[A-Za-z0-9]{8,64}$/.test(nonce)) throw new ProbeParseError(`invalid probe nonce ${JSON.stringify(nonce)}`);
}

/** What a probe exec returned: both streams carry the same section markers (see script.ts). */
export interface ProbeStreams {
  stdout: string;
  stderr: string;
}

interface Framed {
  status: number | 'skipped';
  body: string;
}

/**
 * Section id → output. Text before the first and after the last section (login noise) is ignored;
 * on stderr also between sections (a warning of sudo, of a shell profile).
 */
export function splitSections(streams: ProbeStreams, nonce: string, expected: readonly string[]): Map<string, SectionOutput> {
  checkNonce(nonce);
  const prefix = markerPrefix(nonce);
  const stdout = frames(streams.stdout, prefix, expected, 'stdout');
  const stderr = frames(streams.stderr, prefix, expected, 'stderr');
  const sections = new Map<string, SectionOutput>();
  for (const [id, out] of stdout) {
    const err = stderr.get(id);
    if (!err) throw new ProbeParseError(`section ${id} is missing from the probe's stderr (truncated?)`);
    if (err.status !== out.status) throw new ProbeParseError(`section ${id}: stdout and stderr disagree on its status`);
    sections.set(id, { status: out.status, stdout: out.body, stderr: err.body });
  }
  const missing = expected.filter((id) => !sections.has(id));
  if (missing.length > 0) throw new ProbeParseError(`probe output lacks section(s) ${missing.join(', ')} (truncated?)`);
  return sections;
}

/** One stream's sections, strictly: a marker out of place or a section twice is an error, never skipped. */
function frames(text: string, prefix: string, expected: readonly string[], stream: 'stdout' | 'stderr'): Map<string, Framed> {
  const sections = new Map<string, Framed>();
  let open: { id: string; start: number } | undefined;
  let lastEnd = -1;
  const where = stream === 'stdout' ? '' : ' on stderr';
  for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue; // not at a line start: ordinary text
    const eol = text.indexOf('\n', at);
    const line = text.slice(at + prefix.length, eol === -1 ? text.length : eol);
    const next = eol === -1 ? text.length : eol + 1;
    const marker = /^(begin|end):([a-z0-9-]+)(?::(\d{1,3}|skipped))?$/.exec(line);
    if (!marker) throw new ProbeParseError(`malformed probe marker${where} ${JSON.stringify(line.slice(0, 60))}`);
    const [, kind, id, status] = marker;
    if (kind === 'begin' && !open && status === undefined) {
      if (sections.has(id)) throw new ProbeParseError(`section ${id} appears twice${where}`);
      if (!expected.includes(id)) throw new ProbeParseError(`unknown section ${id}${where}`);
      if (stream === 'stdout' && lastEnd !== -1 && at !== lastEnd) throw new ProbeParseError(`unexpected text before section ${id}`);
      open = { id, start: next };
    } else if (kind === 'end' && open?.id === id && status !== undefined) {
      if (at - 1 < open.start) throw new ProbeParseError(`section ${id}: marker without its separating newline${where}`);
      sections.set(id, { status: status === 'skipped' ? 'skipped' : Number(status), body: text.slice(open.start, at - 1) });
      open = undefined;
      lastEnd = next;
    } else {
      throw new ProbeParseError(`probe marker ${kind}:${id} out of place${where}`);
    }
  }
  if (open) throw new ProbeParseError(`probe output ends inside section ${open.id}${where} (truncated?)`);
  return sections;
}

/** Stderr without the section markers: what a failure message may quote. */
export function withoutMarkers(stderr: string, nonce: string): string {
  const prefix = markerPrefix(nonce);
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith(prefix))
    .join('\n');
}

/**
 * The probe's stdout as it may be logged: the body of each listed section replaced by its size.
 * Applied to what goes to --log-dir, -v and ndjson, never to what is parsed. Output cut short inside
 * such a section is redacted to its end.
 */
export function redactSections(stdout: string, nonce: string, ids: readonly string[]): string {
  const prefix = markerPrefix(nonce);
  let text = stdout;
  for (const id of ids) {
    const begin = `${prefix}begin:${id}\n`;
    let at = text.indexOf(begin);
    while (at > 0 && text[at - 1] !== '\n') at = text.indexOf(begin, at + 1);
    if (at === -1) continue;
    const start = at + begin.length;
    const endAt = text.indexOf(`\n${prefix}end:${id}:`, start - 1);
    const end = endAt === -1 ? text.length : endAt;
    text = `${text.slice(0, start)}[${Math.max(0, end - start)} bytes not logged: may hold credentials]${text.slice(end)}`;
  }
  return text;
}
