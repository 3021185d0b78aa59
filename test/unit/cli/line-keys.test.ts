import { applyKeys, echoEdit } from '../../../src/cli/line-keys.js';

describe('applyKeys (raw terminal keys → a line)', () => {
  it('types printable characters, multi-byte ones as one key each', () => {
    expect(applyKeys('', 'pa55 wörd€')).toEqual({ text: 'pa55 wörd€' });
  });

  it('ends on Enter (CR from a raw terminal, LF from a pipe) and drops what follows', () => {
    expect(applyKeys('ab', 'c\rignored')).toEqual({ text: 'abc', end: 'enter' });
    expect(applyKeys('', 'yes\nno')).toEqual({ text: 'yes', end: 'enter' });
  });

  it('Ctrl-C interrupts, wherever it comes', () => {
    expect(applyKeys('secret', '\x03')).toEqual({ text: 'secret', end: 'interrupt' });
    expect(applyKeys('', 'x\x03y\r')).toEqual({ text: 'x', end: 'interrupt' });
  });

  it('Ctrl-D is end of input on an empty line only', () => {
    expect(applyKeys('', '\x04')).toEqual({ text: '', end: 'eof' });
    expect(applyKeys('ab', '\x04c')).toEqual({ text: 'abc' });
  });

  it('Backspace (DEL or ^H) removes one character, not one byte; Ctrl-U clears the line', () => {
    expect(applyKeys('wö', '\x7f')).toEqual({ text: 'w' });
    expect(applyKeys('ab', '\x08\x08\x08c')).toEqual({ text: 'c' });
    expect(applyKeys('typo', '\x15right')).toEqual({ text: 'right' });
  });

  it('ignores escape sequences (arrows, function keys, Alt+key) and other control characters', () => {
    expect(applyKeys('a', '\x1b[D\x1b[1;5C\x1bOPb\x1bx\tc\x1a')).toEqual({ text: 'abc' });
    expect(applyKeys('a', '\x1b')).toEqual({ text: 'a' });
  });
});

describe('echoEdit (what a visible line needs written)', () => {
  it('types what was added and erases what was removed', () => {
    expect(echoEdit('ye', 'yes')).toBe('s');
    expect(echoEdit('yes', 'ye')).toBe('\b \b');
    expect(echoEdit('yo', 'yes')).toBe('\b \bes');
    expect(echoEdit('abc', '')).toBe('\b \b\b \b\b \b');
  });
});
