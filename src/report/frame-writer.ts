// Redraws a frame of the live tree in place, for the compact layout of big fleets.
//
// log-update (listr2's updater) re-wraps every frame with wrap-ansi, measuring each character with
// string-width: about half the CPU of a frame (measured at M=1000). Compact frames are already cut to
// the width, so this writer only counts rows, with a per-code-point width table lookup.

import { eastAsianWidth } from 'get-east-asian-width';

const ESC = '\u001b[';
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Erases `count` lines upwards from the cursor's line and returns to column 1 (as ansi-escapes does). */
export function eraseLines(count: number): string {
  let clear = '';
  for (let i = 0; i < count; i += 1) clear += `${ESC}2K${i < count - 1 ? `${ESC}1A` : ''}`;
  return count > 0 ? `${clear}${ESC}G` : '';
}

/**
 * Columns a line takes, by the Unicode East Asian Width table (get-east-asian-width, the table
 * string-width uses): one column, or two for wide and fullwidth characters. Ambiguous ones (…, —)
 * count one, as terminals draw them outside CJK locales.
 */
export function displayWidth(line: string): number {
  const visible = line.replace(ANSI, '');
  let width = 0;
  for (const char of visible) {
    const code = char.codePointAt(0)!;
    // ASCII and Latin first (most of every frame); then the Unicode East Asian Width table, where
    // wide (W) and fullwidth (F) take two columns — CJK, and symbols like ⌚ ⏳ ✅ ❌ ⭐ in U+2000–2BFF.
    width += code < 0x1100 ? 1 : eastAsianWidth(code);
  }
  return width;
}

/** Terminal rows a frame occupies at `columns`, wrapped lines included (a 0-column pty counts as 1). */
export function frameRows(frame: string, columns: number): number {
  columns = Math.max(1, columns);
  let rows = 0;
  for (const line of frame.split('\n')) rows += Math.max(1, Math.ceil(displayWidth(line) / columns));
  return rows;
}

export interface Terminal {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

export class FrameWriter {
  private rows = 0;
  private last = '';

  constructor(private readonly out: Terminal, private readonly size: () => { columns: number; rows: number }) {}

  /** Replaces the previous frame; an unchanged frame writes nothing. Frames taller than the screen lose their top. */
  draw(frame: string): void {
    if (frame === this.last) return;
    this.last = frame;
    const { columns, rows } = this.size();
    let lines = frame.split('\n');
    if (lines.length > rows - 1) lines = lines.slice(lines.length - (rows - 1));
    const text = lines.join('\n');
    this.out.write(eraseLines(this.rows) + text + '\n');
    this.rows = frameRows(text, columns) + 1; // + the empty line the cursor rests on
  }

  clear(): void {
    this.out.write(eraseLines(this.rows));
    this.rows = 0;
    this.last = '';
  }
}
