// Ansible host patterns: `node[01:50].rack3`, `[a:f]web`, `db[1:10:2]`, optionally `:PORT` at the end.
// Ansible's own rules (inventory/helpers.py), not the native `[01-20]` ones: colon ranges with a stride.
import { ok, fail, type Result } from '../../errors.js';
import { MAX_PATTERN_EXPANSION } from '../ranges.js';

/** The names a pattern stands for and the port written after it, or why it stands for none. */
export type AnsiblePatternResult = Result<{ names: string[]; port?: number }>;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Splits off `:PORT`, then expands every `[begin:end(:step)]` bracket (cartesian product, in order). */
export function expandAnsibleHostPattern(pattern: string, limit = MAX_PATTERN_EXPANSION): AnsiblePatternResult {
  const split = splitPort(pattern);
  if (typeof split === 'string') return fail(split);
  let names = [''];
  let rest = split.pattern;
  while (rest !== '') {
    const open = rest.indexOf('[');
    const close = rest.indexOf(']');
    if (open === -1 && close === -1) {
      names = names.map((name) => name + rest);
      break;
    }
    if (open !== -1 && close === -1) return fail('"[" is never closed');
    if (open === -1 || close < open) return fail('"]" has no matching "["');
    if (rest.indexOf('[', open + 1) !== -1 && rest.indexOf('[', open + 1) < close) return fail('"[" inside another bracket');
    const values = expandRange(rest.slice(open + 1, close));
    if (typeof values === 'string') return fail(values);
    if (names.length * values.length > limit) return fail(`expands to more than ${limit} names`);
    const head = rest.slice(0, open);
    names = names.flatMap((name) => values.map((value) => name + head + value));
    rest = rest.slice(close + 1);
  }
  const unique = [...new Set(names)];
  return ok(split.port === undefined ? { names: unique } : { names: unique, port: split.port });
}

// `host:22` and `node[01:05]:2222`: the port is a colon outside brackets followed by digits only.
function splitPort(pattern: string): { pattern: string; port?: number } | string {
  let depth = 0;
  let colon = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '[') depth++;
    else if (pattern[i] === ']') depth--;
    else if (pattern[i] === ':' && depth === 0) {
      if (colon !== -1) return 'more than one ":" outside brackets (an IPv6 address? give the host a name and set ansible_host)';
      colon = i;
    }
  }
  if (colon === -1) return { pattern };
  const port = pattern.slice(colon + 1);
  if (port === '') return 'ends in ":" without a port';
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `bad port "${port}", expected 1-65535`;
  return { pattern: pattern.slice(0, colon), port: Number(port) };
}

// One bracket body, `01:50`, `a:f` or `1:10:2`, as Ansible expands it (zero padding from the start).
function expandRange(body: string): string[] | string {
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) return `[${body}] is not a range: expected [begin:end] or [begin:end:step]`;
  const begin = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  if (end === '') return `[${body}] has no end value`;
  const step = bounds.length === 3 ? bounds[2] : '1';
  if (!/^\d+$/.test(step) || Number(step) < 1) return `[${body}] has a bad step "${step}", expected a whole number >= 1`;
  if (LETTERS.includes(begin) && begin.length === 1) return expandLetters(body, begin, end, Number(step));
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) return `[${body}] is not a range of numbers or of single letters`;
  const padded = begin.length > 1 && begin.startsWith('0');
  if (padded && begin.length !== end.length) return `[${body}]: begin and end must have the same width when zero-padded`;
  const [from, to, by] = [Number(begin), Number(end), Number(step)];
  if (from > to) return `[${body}] goes backwards`;
  if ((to - from) / by + 1 > MAX_PATTERN_EXPANSION) return `expands to more than ${MAX_PATTERN_EXPANSION} names`;
  const values: string[] = [];
  for (let n = from; n <= to; n += by) values.push(padded ? String(n).padStart(begin.length, '0') : String(n));
  return values;
}

// `[a:f]`; like Ansible, the alphabet runs a-z then A-Z, so `[x:B]` is x y z A B.
function expandLetters(body: string, begin: string, end: string, step: number): string[] | string {
  if (end.length !== 1 || !LETTERS.includes(end)) return `[${body}] mixes letters and digits`;
  const from = LETTERS.indexOf(begin);
  const to = LETTERS.indexOf(end);
  if (from > to) return `[${body}] goes backwards`;
  const values: string[] = [];
  for (let i = from; i <= to; i += step) values.push(LETTERS[i]);
  return values;
}
