// /etc/fstab as mount(8) reads it: blank lines and `#` comments skipped, fields separated by blanks,
// spaces inside a field written as octal escapes (`\040`), decoded here like mountinfo's. A line
// mount(8) could not use (one field, a malformed escape) is listed apart, never guessed at.
import { decodeMountField } from '../facts/mounts.js';
import { normalizeMountPath } from './systemd-escape.js';

/** One line of /etc/fstab (escapes such as `\040` decoded). */
export interface FstabEntry {
  /** 1-based line number in the file. */
  line: number;
  /** What is mounted: `/dev/sdb1`, `UUID=…`, `LABEL=…`, `server:/export`, `tmpfs`. */
  spec: string;
  /** Where, normalised (no trailing or doubled slash); `none`/`swap` stay as written. */
  file: string;
  fsType: string;
  options: string;
}

export interface ParsedFstab {
  entries: FstabEntry[];
  ignored: number[];
}

export function parseFstab(text: string): ParsedFstab {
  const entries: FstabEntry[] = [];
  const ignored: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/[ \t]+/);
    const spec = decodeMountField(fields[0]);
    const file = fields.length >= 2 ? decodeMountField(fields[1]) : null;
    if (spec === null || file === null) {
      ignored.push(i + 1);
      return;
    }
    // Missing type and options mean `auto` and `defaults` to mount(8).
    entries.push({ line: i + 1, spec, file: normalizeMountPath(file), fsType: fields[2] ?? 'auto', options: fields[3] ?? 'defaults' });
  });
  return { entries, ignored };
}
