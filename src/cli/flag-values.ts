// Every flag value parser, at the edge: commander hands strings, these return the typed values the
// engine takes (it never sees a flag's text nor throws a usage error). The offending value is named.
import { UsageError } from '../errors.js';
import { parseLimitTerms, type LimitPattern } from '../inventory/limit-terms.js';
import type { Shard } from '../inventory/shard.js';
import type { BatchSize } from '../run/batches.js';
import type { Budget } from '../run/budget.js';

export function parsePositiveInt(flag: string, value: unknown): number {
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${text}"`);
  return Number(text);
}

/** The longest duration any flag takes: 7 days. (Node's timers overflow past 2^31 - 1 ms, ≈ 24.8 days,
 * and fire at once: an unbounded --pause would silently not pause.) */
export const MAX_SECONDS = 7 * 24 * 3600;

/** Seconds as given by a human (`30`, `1.5`), at most MAX_SECONDS, returned in milliseconds. */
export function parseSeconds(flag: string, value: unknown): number {
  const text = String(value);
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > MAX_SECONDS) {
    throw new UsageError(`${flag}: expected seconds > 0 and at most ${MAX_SECONDS} (7 days), got "${text}"`);
  }
  return Math.round(Number(text) * 1000);
}

export function parseChoice<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  const text = String(value);
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got "${text}"`);
  }
  return text as T;
}

/** A non-empty string, else undefined (commander leaves unset options undefined). */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** --batch: `N`, `P%` or a comma list of them (the last entry repeats, as Ansible's `serial`). */
export function parseBatchSpec(spec: string): BatchSize[] {
  const parts = spec.split(',').map((part) => part.trim());
  return parts.map((part) => {
    const match = /^(\d+)(%?)$/.exec(part);
    const value = match ? Number(match[1]) : NaN;
    if (!match || value < 1 || (match[2] === '%' && value > 100)) {
      throw new UsageError(`--batch: expected N, P% (1-100) or a comma list of them, got "${spec}"`);
    }
    return match[2] === '%' ? { percent: value } : { count: value };
  });
}

/** --max-fail / --max-unreachable: `N` hosts or `P%` of all selected hosts. */
export function parseBudget(flag: string, text: string): Budget {
  const match = /^(\d+)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!match || (match[2] === '%' && value > 100)) throw new UsageError(`${flag}: expected N or P% (0-100), got "${text}"`);
  return match[2] === '%' ? { percent: value } : { count: value };
}

/** --shard K/N with 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected K/N with 1 ≤ K ≤ N, got "${text}"`);
  }
  return { index, count };
}

/** --limit: host names, groups, globs or ranges joined by `,`/`:` (with `!`/`&`); at least one term. */
export function parseLimit(text: string): LimitPattern {
  const [first, ...rest] = parseLimitTerms(text);
  if (first === undefined) throw new UsageError(`--limit: expected host names, groups or patterns, got ${JSON.stringify(text)}`);
  return { written: text, terms: [first, ...rest] };
}
