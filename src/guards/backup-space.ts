// Free space where the archive will go: a probe section (df -Pk of the backup directory's nearest
// existing parent, bounded like every probe call) and the parse of what it printed.
import { fail, ok, type Result } from '../errors.js';
import type { ProbeSection, SectionOutput } from '../recipe/probe/section.js';
import { shellQuote } from '../transport/shell-quote.js';

export const BACKUP_SPACE_SECTION = 'backup-space';

export interface BackupSpace {
  /** The directory df was asked about (the backup directory or its nearest existing parent). */
  dir: string;
  filesystem: string;
  mountedOn: string;
  availableKiB: number;
}

/** Read-only: walks up from `dir` to a directory that exists, prints it, then `df -Pk` of it. */
export function backupSpaceSection(dir: string): ProbeSection {
  return {
    id: BACKUP_SPACE_SECTION,
    script: `d=${shellQuote(dir)}
while [ ! -d "$d" ]; do d=\${d%/*}; [ -n "$d" ] || d=/; done
printf 'dir %s\\n' "$d"
__ns_t 5 df -Pk "$d"`,
  };
}

// POSIX df: `Filesystem 1024-blocks Used Available Capacity Mounted-on`; the mount point may hold spaces.
const DF_LINE = /^(\S+)\s+(\d+)\s+\d+\s+(\d+)\s+\S+\s+(\/.*)$/;

/** The space, or why it is not known (df missing, timed out, or output not understood). */
export function parseBackupSpace(output: SectionOutput | undefined): Result<BackupSpace> {
  if (!output || output.status === 'skipped') return fail('not probed');
  const lines = output.stdout.split('\n').filter((l) => l.trim() !== '');
  const dir = /^dir (\/.*)$/.exec(lines[0] ?? '')?.[1];
  const df = DF_LINE.exec(lines[lines.length - 1] ?? '');
  if (output.status !== 0 || !dir || !df || lines.length < 3) {
    const why = output.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit status ${String(output.status)}`;
    return fail(`df -Pk failed: ${why.trim()}`);
  }
  // A pseudo filesystem (proc, sysfs) reports no size at all: nothing to judge; writing there fails on its own.
  if (Number(df[2]) === 0) return fail(`${df[1]} on ${df[4]} reports no size`);
  return ok({ dir, filesystem: df[1], availableKiB: Number(df[3]), mountedOn: df[4] });
}
