import { displayWidth, eraseLines, FrameWriter, frameRows } from '../../../src/report/frame-writer.js';

describe('frame writer', () => {
  it('erases lines upwards as ansi-escapes does', () => {
    expect(eraseLines(0)).toBe('');
    expect(eraseLines(1)).toBe('\u001b[2K\u001b[G');
    expect(eraseLines(3)).toBe('\u001b[2K\u001b[1A\u001b[2K\u001b[1A\u001b[2K\u001b[G');
  });

  it('measures a line without colours, never under the columns a terminal draws', () => {
    expect(displayWidth('\u001b[32m✔\u001b[39m node1: ok — verified …')).toBe('✔ node1: ok — verified …'.length);
    expect(displayWidth('⠋ host-1: connect')).toBe(17);
    expect(displayWidth('节点一')).toBe(6); // wide CJK
    expect(displayWidth('🔥 x')).toBe(4); // emoji: two columns
  });

  it('counts the wide symbols of U+2000–U+2BFF as two columns, the others there as one (East Asian Width)', () => {
    // Wide (W) in Unicode's table: the terminal draws each in two columns.
    for (const wide of ['⌚', '⏳', '✅', '❌', '⭐', '☕', '⚡', '⛔']) expect({ wide, width: displayWidth(wide) }).toEqual({ wide, width: 2 });
    // Narrow or ambiguous: one column (the tree's own icons, arrows, dashes, Braille spinner).
    for (const narrow of ['✔', '✖', '⚠', '↓', '❯', '—', '…', '⠋', '◼']) expect({ narrow, width: displayWidth(narrow) }).toEqual({ narrow, width: 1 });
  });

  it('survives a 0-column pty (counts a row per line, never divides by zero)', () => {
    expect(frameRows('abc\ndef', 0)).toBe(6);
    expect(Number.isFinite(frameRows('x', 0))).toBe(true);
  });

  it('counts the rows of wrapped lines', () => {
    expect(frameRows('abc\ndef', 80)).toBe(2);
    expect(frameRows('x'.repeat(80), 80)).toBe(1);
    expect(frameRows('x'.repeat(81) + '\n\ny', 80)).toBe(4);
  });

  it('redraws in place, skips an unchanged frame, and clears what it drew', () => {
    const written: string[] = [];
    const writer = new FrameWriter({ write: (text: string) => written.push(text) }, () => ({ columns: 10, rows: 24 }));
    writer.draw('a\nb');
    writer.draw('a\nb');
    writer.draw('c'.repeat(15));
    writer.clear();
    expect(written).toEqual([
      'a\nb\n',
      `${eraseLines(3)}${'c'.repeat(15)}\n`, // two lines + the cursor's line
      eraseLines(3), // one line wrapped to two rows + the cursor's line
    ]);
  });

  it('keeps the bottom of a frame taller than the screen', () => {
    const written: string[] = [];
    const writer = new FrameWriter({ write: (text: string) => written.push(text) }, () => ({ columns: 80, rows: 3 }));
    writer.draw('1\n2\n3\n4');
    expect(written).toEqual(['3\n4\n']);
  });
});
