// Which cluster data this host's cleanup would delete, with sizes: what `plan` lists as "data" and
// what `run` archives first. Pure over facts.
import { CLEANUP_DIRECTORIES, CLUSTER_DATA } from './catalogue.js';
import type { Facts } from './probe/probe.js';
import { isAtOrBelow } from './steps/common.js';

export interface DataItem {
  path: string;
  /** What it is, from the catalogue ("etcd member data (RKE2)"). */
  what: string;
  /** `du -skx` in KiB; null when du did not finish in time. */
  sizeKiB: number | null;
  /** The listed data path it lies in (counted and archived with that one). */
  within?: string;
}

/** The shape of a path as probed: the directories fact has the 16, the cluster-data fact the rest. */
function probed(path: string, facts: Pick<Facts, 'directories' | 'clusterData'>) {
  return facts.directories.entries.find((e) => e.path === path) ?? facts.clusterData.entries.find((e) => e.path === path);
}

/**
 * Data paths that exist, hold something and would be deleted: at or below one of the 16 paths, and
 * that path a directory (a symlink there is removed as a link; the data behind it stays).
 */
export function listClusterData(facts: Pick<Facts, 'directories' | 'clusterData'>): DataItem[] {
  const items: DataItem[] = [];
  for (const { path, what } of CLUSTER_DATA) {
    const entry = probed(path, facts);
    if (!entry || (entry.type !== 'directory' && entry.type !== 'file') || entry.empty === true) continue;
    const root = CLEANUP_DIRECTORIES.find((dir) => isAtOrBelow(path, dir));
    if (!root || probed(root, facts)?.type !== 'directory') continue;
    const within = items.find((item) => item.path !== path && isAtOrBelow(path, item.path));
    items.push({ path, what, sizeKiB: entry.sizeKiB, ...(within ? { within: within.path } : {}) });
  }
  // Below a custom data dir (removed whole by the directories step when it passes its checks).
  for (const entry of facts.clusterData.custom ?? []) {
    if ((entry.type !== 'directory' && entry.type !== 'file') || entry.empty === true) continue;
    items.push({ path: entry.path, what: entry.what, sizeKiB: entry.sizeKiB });
  }
  return items;
}

/** The total of the outermost items, or null when one of them could not be measured. */
export function totalDataKiB(items: readonly DataItem[]): number | null {
  let total = 0;
  for (const item of items.filter((i) => !i.within)) {
    if (item.sizeKiB === null) return null;
    total += item.sizeKiB;
  }
  return total;
}
