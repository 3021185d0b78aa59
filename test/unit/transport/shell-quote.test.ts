// shellQuote must survive a real POSIX sh byte for byte, whatever the string holds.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { shellJoin, shellQuote } from '../../../src/transport/shell-quote.js';

/** The word a real sh builds from `<quoted>` (`set -- <quoted>; printf %s "$1"`), byte for byte. */
function throughSh(quoted: string): string {
  return execFileSync('sh', ['-c', `set -- ${quoted}; printf %s "$1"`], { encoding: 'utf8' });
}

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['/var/lib/etcd', '/var/lib/etcd'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['a=b', "'a=b'"],
    ['~root', "'~root'"],
    ['$(reboot)', "'$(reboot)'"],
  ])('quotes %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
  });

  it.each(['', 'x', "it's", 'line1\nline2\n', '$HOME `id` $(id) \\ " \' *', 'tab\there', '-n', 'ünïcødé ✓', "''''"])('round-trips %j through sh', (value) => {
    expect(throughSh(shellQuote(value))).toBe(value);
  });

  it('round-trips any string without NUL through sh (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (value) => {
        expect(throughSh(shellQuote(value))).toBe(value);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses NUL, which no shell argument can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow('cannot quote a string containing NUL');
  });

  it('joins argv into one command line', () => {
    expect(shellJoin(['rm', '-rf', '/var/lib/my dir'])).toBe("rm -rf '/var/lib/my dir'");
    expect(execFileSync('sh', ['-c', `printf '[%s]' ${shellJoin(['a b', "c'd", ''])}`], { encoding: 'utf8' })).toBe("[a b][c'd][]");
  });
});
