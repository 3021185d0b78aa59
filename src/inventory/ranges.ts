// Host ranges: `node[01-20].rack3` names twenty hosts. Failures are values so callers word them.
import { ok, fail, type Result } from '../errors.js';

/** Upper bound on names one pattern may produce: a typo like `[1-9999999]` must not eat the heap. */
export const MAX_PATTERN_EXPANSION = 100_000;

/** The names a pattern stands for, or why it stands for none. */
export type PatternExpansion = Result<string[]>;

/** True when the text uses range brackets, so it is a pattern rather than a plain name. */
export function hasHostRange(text: string): boolean {
  return text.includes('[') || text.includes(']');
}

/**
 * Expands `[01-20]` (zero padding kept when the start has leading zeros), `[a-f]`, `[1,3,5-7]`
 * and several brackets per name (cartesian product). `:` works like `-` (Ansible's `[01:20]`).
 */
export function expandHostPattern(pattern: string, limit = MAX_PATTERN_EXPANSION): PatternExpansion {
  const segments = splitSegments(pattern);
  if (typeof segments === 'string') return fail(segments);
  const choices: string[][] = [];
  let total = 1;
  for (const segment of segments) {
    if (segment.kind === 'text') {
      choices.push([segment.text]);
      continue;
    }
    const values = expandBracket(segment.text, limit);
    if (typeof values === 'string') return fail(values);
    total *= values.length;
    if (total > limit) return fail(`expands to more than ${limit} names`);
    choices.push(values);
  }
  let names = [''];
  for (const options of choices) names = names.flatMap((prefix) => options.map((option) => prefix + option));
  return ok([...new Set(names)]);
}

type Segment = { kind: 'text' | 'bracket'; text: string };

// Cuts `a[1-3]b` into text and bracket segments; a string result is a syntax problem.
function splitSegments(pattern: string): Segment[] | string {
  const segments: Segment[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === ']') return `"]" at position ${i + 1} has no matching "["`;
    if (pattern[i] !== '[') continue;
    const close = pattern.indexOf(']', i + 1);
    const nested = pattern.indexOf('[', i + 1);
    if (close === -1) return `"[" at position ${i + 1} is never closed`;
    if (nested !== -1 && nested < close) return `"[" at position ${nested + 1} is inside another bracket`;
    if (i > start) segments.push({ kind: 'text', text: pattern.slice(start, i) });
    segments.push({ kind: 'bracket', text: pattern.slice(i + 1, close) });
    i = close;
    start = close + 1;
  }
  if (start < pattern.length) segments.push({ kind: 'text', text: pattern.slice(start) });
  return segments;
}

// Expands one bracket body (`1,3,5-7`) into its values; a string result is a problem.
function expandBracket(body: string, limit: number): string[] | string {
  if (body.trim() === '') return 'empty brackets []';
  const values: string[] = [];
  for (const rawItem of body.split(',')) {
    const item = rawItem.trim();
    if (item === '') return `empty item in [${body}]`;
    const expanded = expandItem(item, limit - values.length, limit);
    if (typeof expanded === 'string') return expanded;
    values.push(...expanded);
  }
  return values;
}

const NUMBER = /^\d+$/;
const LETTER = /^[A-Za-z]$/;

// One bracket item: `7`, `b`, `05-12` or `a-f`.
function expandItem(item: string, room: number, limit: number): string[] | string {
  const match = /^([^-:]+)[-:]([^-:]+)$/.exec(item);
  if (match === null) {
    if (NUMBER.test(item) || LETTER.test(item)) return [item];
    return `"${item}" is not a number, a letter or a range like 01-20`;
  }
  const [, from, to] = match;
  if (NUMBER.test(from) && NUMBER.test(to)) return expandNumbers(item, from, to, room, limit);
  if (LETTER.test(from) && LETTER.test(to)) return expandLetters(item, from, to);
  if ((NUMBER.test(from) && LETTER.test(to)) || (LETTER.test(from) && NUMBER.test(to))) {
    return `range ${item} mixes letters and digits`;
  }
  return `"${item}" is not a number, a letter or a range like 01-20`;
}

function expandNumbers(item: string, from: string, to: string, room: number, limit: number): string[] | string {
  const start = Number(from);
  const end = Number(to);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return `range ${item} has a number too large`;
  if (start > end) return `range ${item} goes backwards`;
  if (end - start + 1 > room) return `expands to more than ${limit} names`;
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  const values: string[] = [];
  for (let n = start; n <= end; n++) values.push(String(n).padStart(width, '0'));
  return values;
}

function expandLetters(item: string, from: string, to: string): string[] | string {
  const sameCase = (from === from.toLowerCase()) === (to === to.toLowerCase());
  if (!sameCase) return `range ${item} mixes upper and lower case`;
  const start = from.charCodeAt(0);
  const end = to.charCodeAt(0);
  if (start > end) return `range ${item} goes backwards`;
  return Array.from({ length: end - start + 1 }, (_, i) => String.fromCharCode(start + i));
}
