// What the archive will hold and whether it fits: pure decisions over the plan and facts, so `plan`
// shows exactly what `run` will archive or refuse.
import type { Result } from '../errors.js';
import type { HostPlan } from '../plan/host-plan.js';
import type { DataItem } from '../recipe/cluster-data.js';
import { isAtOrBelow } from '../recipe/steps/common.js';
import type { Facts } from '../recipe/types.js';
import { formatKiB } from '../report/format-bytes.js';
import { BACKUP_PATHS } from './backup-script.js';
import type { BackupSpace } from './backup-space.js';

/** Headroom left on the backup filesystem: 10% of the (uncompressed, du) size plus 64 MiB, so an
 * archive never fills a filesystem other services write to (often /var) to its last blocks. */
export const MARGIN_FRACTION = 0.1;
export const MARGIN_FIXED_KIB = 64 * 1024;

export interface BackupContents {
  /** Absolute paths to archive, none inside another, in order. */
  paths: string[];
  /** The cluster data among them (outermost items). */
  data: DataItem[];
  /** `du` total in KiB of what exists; null when one path could not be measured. */
  sizeKiB: number | null;
}

/** --backup's paths (when `explicit`) and the cluster data the plan lists, none inside another. */
export function archivePaths(plan: Pick<HostPlan, 'data'>, explicit: boolean): string[] {
  const wanted = [...new Set([...(explicit ? BACKUP_PATHS : []), ...outermost(plan).map((d) => d.path)])];
  return wanted.filter((p) => !wanted.some((q) => q !== p && isAtOrBelow(p, q)));
}

function outermost(plan: Pick<HostPlan, 'data'>): DataItem[] {
  return (plan.data ?? []).filter((item) => !item.within);
}

/** archivePaths with the size of what exists (du figures of the probe). */
export function backupContents(plan: Pick<HostPlan, 'data'>, facts: Pick<Facts, 'directories'>, explicit: boolean): BackupContents {
  const data = outermost(plan);
  const paths = archivePaths(plan, explicit);
  let sizeKiB: number | null = 0;
  for (const path of paths) {
    const size = pathSizeKiB(path, data, facts);
    sizeKiB = sizeKiB === null || size === null ? null : sizeKiB + size;
  }
  return { paths, data, sizeKiB };
}

function pathSizeKiB(path: string, data: readonly DataItem[], facts: Pick<Facts, 'directories'>): number | null {
  const item = data.find((d) => d.path === path);
  if (item) return item.sizeKiB;
  const entry = facts.directories.entries.find((e) => e.path === path);
  // Absent: nothing to archive; a symlink (or a socket…) is archived as itself, a few bytes.
  if (!entry || (entry.type !== 'directory' && entry.type !== 'file')) return 0;
  return entry.sizeKiB;
}

export function requiredKiB(sizeKiB: number): number {
  return sizeKiB + Math.ceil(sizeKiB * MARGIN_FRACTION) + MARGIN_FIXED_KIB;
}

/** `/var/lib/etcd (24.0 KiB), /opt/rke/etcd-snapshots (4.0 KiB)`. */
export function describeData(data: readonly DataItem[]): string {
  return data.map((d) => `${d.path} (${formatKiB(d.sizeKiB)})`).join(', ');
}

export type SpaceVerdict = { refusal: string } | { note: string };

/** Refuses when the archive's size plus the margin exceeds the space available; unknown is a note. */
export function decideBackupSpace(contents: BackupContents, measured: Result<BackupSpace>): SpaceVerdict {
  if (!measured.ok) return { note: `backup: free space not checked (${measured.error}); a full disk fails the archive before anything is deleted` };
  const space = measured.value;
  const where = `${space.dir} has ${formatKiB(space.availableKiB)} available (${space.filesystem} on ${space.mountedOn})`;
  if (contents.sizeKiB === null) {
    return { note: `backup: size not known (du did not finish in 5s), free space not checked: ${where}; a full disk fails the archive before anything is deleted` };
  }
  const needed = requiredKiB(contents.sizeKiB);
  const what = contents.data.length > 0 ? `the cluster data ${describeData(contents.data)}` : contents.paths.join(', ');
  if (space.availableKiB < needed) {
    return {
      refusal:
        `backup: not enough free space: archiving ${what}, ${formatKiB(contents.sizeKiB)} in all, needs ${formatKiB(needed)} ` +
        `with the margin (+10% +64 MiB), but ${where} — refusing; free space there, choose another --backup-dir, or pass --no-backup`,
    };
  }
  return { note: `backup: ${formatKiB(needed)} needed with the margin, ${where}` };
}
