// A dedicated filesystem: a mount exactly at one of the 16 paths that /etc/fstab or a systemd mount
// unit puts there at boot. Unmounting it and removing the directory would only break the next boot
// (or bring the old state back), so it stays mounted and its contents go instead. A shared or
// network filesystem is never treated so (emptying it would delete someone else's data): it keeps
// the usual rules (refused, or unmounted with --force).
import { posix } from 'node:path';
import { CLEANUP_DIRECTORIES, isSharedFilesystem } from '../catalogue.js';
import type { Mount } from '../facts/mounts.js';
import type { Facts } from '../probe/probe.js';
import { systemdEscapePath } from './systemd-escape.js';

export interface DedicatedMount {
  path: string;
  mount: Mount;
  /** `/etc/fstab` or the unit file that configures it. */
  origin: string;
}

/** Where `path` is configured to be mounted at boot, or null. */
export function mountOrigin(path: string, config: Facts['mountConfig']): string | null {
  if (config.fstab.some((entry) => entry.file === path)) return '/etc/fstab';
  const unitName = `${systemdEscapePath(path)}.mount`;
  const unit = config.units.find((u) => u.where === path || posix.basename(u.file) === unitName);
  return unit ? unit.file : null;
}

/**
 * The dedicated mounts at the 16 paths. Of several mounts stacked on one path the lowest is the
 * configured one; what is stacked on it is ordinary (unmounted or refused as before).
 */
export function findDedicatedMounts(facts: Pick<Facts, 'mounts' | 'mountConfig'>): DedicatedMount[] {
  const found: DedicatedMount[] = [];
  for (const path of CLEANUP_DIRECTORIES) {
    const here = facts.mounts.mounts.filter((m) => m.mountPoint === path);
    const lowest = here.find((m) => !here.some((other) => other.id === m.parentId));
    if (!lowest || isSharedFilesystem(lowest.fsType)) continue;
    const origin = mountOrigin(path, facts.mountConfig);
    if (origin) found.push({ path, mount: lowest, origin });
  }
  return found;
}
