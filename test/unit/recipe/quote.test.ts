// shellQuote must hand any string to a real shell byte for byte; unsafe names are named and refused.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shellQuote } from '../../../src/recipe/index.js';
import { describeUnsafe, unsafeNameReason } from '../../../src/recipe/quote.js';

const noNul = (unit: 'binary' | 'grapheme-ascii') => fc.string({ unit, maxLength: 40 }).filter((s) => !s.includes('\0'));
const shells: Array<[string, string[]]> = [['sh', ['sh']], ...(spawnSync('busybox', ['true']).status === 0 ? [['busybox sh', ['busybox', 'sh']] as [string, string[]]] : [])];

/** Each value quoted into one command line; the shell prints them NUL-separated. */
function throughShell(shell: string[], values: string[]): string[] {
  const script = `printf '%s\\0' ${values.map(shellQuote).join(' ')}`;
  const out = spawnSync(shell[0], [...shell.slice(1), '-c', script], { encoding: 'utf8' }).stdout;
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it.each(shells)('round-trips any string through a real %s', (_label, shell) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(noNul('binary'), noNul('grapheme-ascii'), fc.constantFrom("it's", '$(reboot)', '`id`', '*', '~', '-rf', '\n', "'", '')), { minLength: 1, maxLength: 8 }), (values) => {
        expect(throughShell(shell, values)).toEqual(values);
      }),
      { numRuns: 100 },
    );
  });

  it("survives the brief's two-level form: sh -c 'printf %s \"$1\"' _ <quoted>", () => {
    fc.assert(
      fc.property(noNul('binary'), (value) => {
        const line = `sh -c 'printf %s "$1"' _ ${shellQuote(value)}`;
        expect(spawnSync('sh', ['-c', line], { encoding: 'utf8' }).stdout).toBe(value);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('/var/lib/kubelet')).toBe('/var/lib/kubelet');
    expect(shellQuote('cali0123456789a')).toBe('cali0123456789a');
    expect(shellQuote("it's $(x)")).toBe(`'it'\\''s $(x)'`);
    expect(shellQuote('~root')).toBe("'~root'");
    expect(shellQuote('a=b')).toBe("'a=b'");
    expect(shellQuote('')).toBe("''");
    expect(() => shellQuote('a\0b')).toThrow('NUL');
  });
});

describe('unsafeNameReason', () => {
  it.each([
    ['/var/lib/kubelet/pods/a b', null],
    ["/var/lib/kubelet/it's $(touch /tmp/pwned) `id` *", null],
    ['/var/lib/kubelet/café', null],
    ['', 'is empty'],
    ['a\nb', 'contains a newline'],
    ['a\tb', 'contains the control character U+0009'],
    ['a\u001b[2Jb', 'contains the control character U+001B'],
    ['a\u0085b', 'contains the control character U+0085'],
    ['caf\ufffd', 'contains bytes that are not valid UTF-8'],
    ['abc\u202edcba', 'contains a bidirectional-text control character'],
  ])('%j → %j', (name, reason) => {
    expect(unsafeNameReason(name)).toBe(reason);
  });

  it('describes a refusal on one line with the name escaped', () => {
    const message = describeUnsafe('mount point', '/x\ny', 'contains a newline');
    expect(message).toBe('mount point "/x\\ny" contains a newline: refusing to build a command from it');
    expect(message).not.toContain('\n');
  });
});
