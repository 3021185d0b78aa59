// Every flag value parser: the typed value for good text, a usage error naming flag and value otherwise.
import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../../../src/errors.js';
import { optionalString, parseBatchSpec, parseBudget, parseChoice, parseLimit, parsePositiveInt, parseSeconds, parseShard } from '../../../src/cli/flag-values.js';

describe('flag values', () => {
  it('whole numbers ≥ 1', () => {
    expect(parsePositiveInt('--concurrency', '50')).toBe(50);
    for (const bad of ['0', '-1', '1.5', 'x', '']) expect(() => parsePositiveInt('--concurrency', bad)).toThrow(new UsageError(`--concurrency: expected a whole number ≥ 1, got "${bad}"`));
  });

  it('seconds, fractional allowed, returned in milliseconds', () => {
    expect(parseSeconds('--step-timeout', '1.5')).toBe(1500);
    expect(parseSeconds('--pause', 30)).toBe(30_000);
    expect(() => parseSeconds('--step-timeout', 'soon')).toThrow('--step-timeout: expected seconds > 0 and at most 604800 (7 days), got "soon"');
    // Past 2^31 - 1 ms Node's timers fire at once: a --pause of 3000000 s would not pause at all.
    expect(() => parseSeconds('--pause', '3000000')).toThrow('--pause: expected seconds > 0 and at most 604800 (7 days), got "3000000"');
    expect(parseSeconds('--reboot-timeout', '604800')).toBe(604_800_000);
    expect(() => parseSeconds('--reboot-timeout', '604800.5')).toThrow('at most 604800');
    expect(() => parseSeconds('--step-timeout', '0')).toThrow('got "0"');
  });

  it('choices', () => {
    expect(parseChoice('--output', 'ndjson', ['text', 'ndjson'] as const)).toBe('ndjson');
    expect(() => parseChoice('--output', 'xml', ['text', 'ndjson'] as const)).toThrow('--output: expected one of text, ndjson, got "xml"');
  });

  it('optional strings: empty and non-strings are unset', () => {
    expect(optionalString('a')).toBe('a');
    expect(optionalString('')).toBeUndefined();
    expect(optionalString(true)).toBeUndefined();
  });

  it('--batch: counts, percents and lists', () => {
    expect(parseBatchSpec('1,5,25%')).toEqual([{ count: 1 }, { count: 5 }, { percent: 25 }]);
    expect(() => parseBatchSpec('0')).toThrow('--batch: expected N, P% (1-100) or a comma list of them, got "0"');
    expect(() => parseBatchSpec('150%')).toThrow('got "150%"');
    expect(() => parseBatchSpec('1,,2')).toThrow('got "1,,2"');
  });

  it('--max-fail / --max-unreachable: N or P%', () => {
    expect(parseBudget('--max-fail', '0')).toEqual({ count: 0 });
    expect(parseBudget('--max-unreachable', ' 10% ')).toEqual({ percent: 10 });
    expect(() => parseBudget('--max-fail', '101%')).toThrow('--max-fail: expected N or P% (0-100), got "101%"');
  });

  it('--shard K/N with 1 ≤ K ≤ N', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('4/3')).toThrow('--shard: expected K/N with 1 ≤ K ≤ N, got "4/3"');
    expect(() => parseShard('0/3')).toThrow(UsageError);
  });

  it('--limit: at least one term, the pattern kept as written', () => {
    expect(parseLimit('rack3:!node01')).toEqual({
      written: 'rack3:!node01',
      terms: [{ operation: 'include', text: 'rack3', written: 'rack3' }, { operation: 'exclude', text: 'node01', written: '!node01' }],
    });
    expect(() => parseLimit(' , ')).toThrow(new UsageError('--limit: expected host names, groups or patterns, got " , "'));
  });
});
