// The mount-units probe section: `unit FILE` for each .mount file found, then grep's `FILE:Where=…`
// lines. A file name may itself hold a colon, so a grep line belongs to the longest listed file
// name it starts with.
import { parseFail } from '../probe/section.js';
import { normalizeMountPath } from './systemd-escape.js';

/** A systemd `.mount` unit file found in one of the unit directories. */
export interface MountUnit {
  /** The unit file, e.g. `/etc/systemd/system/var-lib-etcd.mount`. */
  file: string;
  /** Its `Where=` (the last one, normalised); null when the file has none. */
  where: string | null;
}

const WHERE = /^\s*Where\s*=\s*(.*?)\s*$/;

export function parseMountUnits(lines: readonly string[]): MountUnit[] {
  const units: MountUnit[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('unit /')) {
      units.push({ file: line.slice('unit '.length), where: null });
      return;
    }
    const owner = units.filter((u) => line.startsWith(`${u.file}:`)).sort((a, b) => b.file.length - a.file.length)[0];
    const where = owner ? WHERE.exec(line.slice(owner.file.length + 1)) : null;
    if (!owner || !where) return parseFail('mount-units', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    // systemd keeps the last assignment.
    owner.where = normalizeMountPath(where[1]);
  });
  return units;
}
