// Where mounts come from at boot: /etc/fstab (one cat) and the Where= of every systemd .mount unit
// (the glob is the shell's, then one grep over all files: no process per unit).
import { MOUNT_UNIT_DIRECTORIES } from '../catalogue.js';
import { parseFstab, type FstabEntry } from '../mount-config/fstab.js';
import { parseMountUnits, type MountUnit } from '../mount-config/mount-units.js';
import { shellQuote } from '../quote.js';
import { bodyLines, firstErrorLine, parseFail, type FactDefinition } from '../probe/section.js';

/** Where mounts come from at boot: what makes a filesystem "dedicated" to a path. */
export interface MountConfigFacts {
  fstab: FstabEntry[];
  /** 1-based line numbers of fstab lines that could not be read (too few fields, bad escape). */
  fstabIgnored: number[];
  units: MountUnit[];
}

const UNIT_GLOBS = MOUNT_UNIT_DIRECTORIES.map((dir) => `${shellQuote(dir)}/*.mount`).join(' ');

export const mountConfigFact: FactDefinition<MountConfigFacts> = {
  sections: [
    { id: 'fstab', inline: true, script: 'if [ -e /etc/fstab ]; then cat /etc/fstab; fi' },
    {
      id: 'mount-units',
      inline: true,
      // A masked unit is a link to /dev/null: not a regular file, so not listed. grep's 1 is "no Where=".
      script: `set --
for f in ${UNIT_GLOBS}; do if [ -f "$f" ]; then set -- "$@" "$f"; printf 'unit %s\\n' "$f"; fi; done
[ $# -eq 0 ] && return 0
grep -H -e '^[[:space:]]*Where[[:space:]]*=' -- "$@"; [ $? -le 1 ]`,
    },
  ],
  parse(read) {
    const fstab = read.get('fstab');
    if (fstab.status !== 0) parseFail('fstab', `cannot read /etc/fstab: ${firstErrorLine(fstab)}`);
    const units = read.get('mount-units');
    if (units.status !== 0) parseFail('mount-units', `cannot read the mount units: ${firstErrorLine(units)}`);
    const parsed = parseFstab(fstab.stdout);
    return { fstab: parsed.entries, fstabIgnored: parsed.ignored, units: parseMountUnits(bodyLines(units.stdout)) };
  },
};
