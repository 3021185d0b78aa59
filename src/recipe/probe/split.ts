// Splits the probe's stdout into sections by nonce markers, strictly: a marker out of place, a
// missing or duplicate section, or text between sections is an error, never skipped.
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

type Phase = { kind: 'outside' } | { kind: 'stdout' | 'stderr'; id: string; start: number; stdout?: string };

/** Section id → output. Text before the first and after the last section (login noise) is ignored. */
export function splitSections(stdout: string, nonce: string, expected: readonly string[]): Map<string, SectionOutput> {
  checkNonce(nonce);
  const prefix = markerPrefix(nonce);
  const sections = new Map<string, SectionOutput>();
  let phase: Phase = { kind: 'outside' };
  let lastEnd = -1;
  for (let at = stdout.indexOf(prefix); at !== -1; at = stdout.indexOf(prefix, at + 1)) {
    if (at > 0 && stdout[at - 1] !== '\n') continue; // not at a line start: ordinary text
    const eol = stdout.indexOf('\n', at);
    const line = stdout.slice(at + prefix.length, eol === -1 ? stdout.length : eol);
    const next = eol === -1 ? stdout.length : eol + 1;
    const marker = /^(begin|stderr|end):([a-z0-9-]+)(?::(\d{1,3}|skipped))?$/.exec(line);
    if (!marker) throw new ProbeParseError(`malformed probe marker ${JSON.stringify(line.slice(0, 60))}`);
    const [, kind, id, status] = marker;
    if (kind === 'begin' && phase.kind === 'outside' && status === undefined) {
      if (sections.has(id)) throw new ProbeParseError(`section ${id} appears twice`);
      if (!expected.includes(id)) throw new ProbeParseError(`unknown section ${id}`);
      if (lastEnd !== -1 && at !== lastEnd) throw new ProbeParseError(`unexpected text before section ${id}`);
      phase = { kind: 'stdout', id, start: next };
    } else if (kind === 'stderr' && phase.kind === 'stdout' && phase.id === id && status === undefined) {
      phase = { kind: 'stderr', id, start: next, stdout: bodyBefore(stdout, phase.start, at, id) };
    } else if (kind === 'end' && phase.kind === 'stderr' && phase.id === id && status !== undefined) {
      const stderr = bodyBefore(stdout, phase.start, at, id);
      sections.set(id, { status: status === 'skipped' ? 'skipped' : Number(status), stdout: phase.stdout ?? '', stderr });
      phase = { kind: 'outside' };
      lastEnd = next;
    } else {
      throw new ProbeParseError(`probe marker ${kind}:${id} out of place`);
    }
  }
  if (phase.kind !== 'outside') throw new ProbeParseError(`probe output ends inside section ${phase.id} (truncated?)`);
  const missing = expected.filter((id) => !sections.has(id));
  if (missing.length > 0) throw new ProbeParseError(`probe output lacks section(s) ${missing.join(', ')} (truncated?)`);
  return sections;
}

/** The text from `start` to the newline the script printed just before the marker at `at`. */
function bodyBefore(stdout: string, start: number, at: number, id: string): string {
  if (at - 1 < start) throw new ProbeParseError(`section ${id}: marker without its separating newline`);
  return stdout.slice(start, at - 1);
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
    const stderrAt = text.indexOf(`\n${prefix}stderr:${id}\n`, start - 1);
    const end = stderrAt === -1 ? text.length : stderrAt;
    text = `${text.slice(0, start)}[${Math.max(0, end - start)} bytes not logged: may hold credentials]${text.slice(end)}`;
  }
  return text;
}
