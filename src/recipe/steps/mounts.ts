// Step 3: unmount everything at or below /var/lib/kubelet and /var/lib/rancher, children first.
// A busy mount is retried once, then lazily unmounted with the reason on stderr. A network or shared
// filesystem there refuses the host unless --force: rm -rf through a live network mount has
// destroyed user data before. A dedicated filesystem at /var/lib/kubelet or /var/lib/rancher (from
// /etc/fstab or a mount unit) stays mounted: the directories step empties it in place.
import { CNI_MOUNT_TREES, CONTAINERD_MOUNT_TREES, MOUNT_TREES, isSharedFilesystem } from '../catalogue.js';
import type { Facts } from '../probe/probe.js';
import { customDataDirProblem } from '../data-dir.js';
import type { Mount } from '../facts/mounts.js';
import { encodeMountField } from '../facts/mounts.js';
import { findDedicatedMounts } from '../mount-config/dedicated.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Step } from '../types.js';
import { isAtOrBelow, makePlan, refusePlan } from './common.js';
import { unmountOrder } from './mount-order.js';

const head = { id: 'mounts', title: 'Unmount kubelet and rancher mounts' };

/** MOUNT_TREES, the containerd runtime trees (/run/k3s, …), Cilium's /run/cilium and a custom RKE2/K3s data dir. */
export function mountTrees(facts: Facts): string[] {
  // Only a data dir that passed the checks (the directories step refuses the host over the others).
  const custom = facts.containerd.distributions.filter((d) => d.customDataDir && d.dataDirType === 'directory' && !customDataDirProblem(d)).map((d) => d.dataDir);
  return [...MOUNT_TREES, ...CONTAINERD_MOUNT_TREES, ...CNI_MOUNT_TREES, ...custom];
}

export function isUnderMountTrees(path: string, trees: readonly string[]): boolean {
  return trees.some((tree) => isAtOrBelow(path, tree));
}

/** Succeeds at once when the point is no longer mounted (mountinfo holds it escaped, between spaces). */
export function unmountCommand(mountPoint: string): string {
  const q = shellQuote(mountPoint);
  const mounted = `grep -qF -- ${shellQuote(` ${encodeMountField(mountPoint)} `)} /proc/self/mountinfo`;
  const lazy = `printf '%s\\n' ${shellQuote(`nodescrub: lazy unmount of ${mountPoint} (busy)`)} >&2; umount -l ${q}`;
  return `! ${mounted} || umount ${q} || { sleep 1; umount ${q}; } || { ${lazy}; }`;
}

function describeMount(mount: Mount): string {
  return `${mount.fsType} ${mount.source}`;
}

export const mountsStep: Step = {
  ...head,
  description:
    'Unmounts every mount at or below /var/lib/kubelet, /var/lib/rancher, /run/k3s and a custom RKE2/K3s data dir ' +
    '(path prefix on segment boundaries), ' +
    'children before parents; a busy mount is retried, then lazily unmounted (reported). A network or shared ' +
    'filesystem (nfs, cifs/smb, ceph, glusterfs, fuse.*, 9p, virtiofs, …) there refuses the host unless --force. ' +
    'A dedicated filesystem at /var/lib/kubelet or /var/lib/rancher (listed in /etc/fstab or a systemd mount unit) stays mounted.',
  plan(facts, options) {
    const all = facts.mounts.mounts;
    const trees = mountTrees(facts);
    const selected = all.filter((m) => isUnderMountTrees(m.mountPoint, trees));
    for (const mount of selected) {
      const why = unsafeNameReason(mount.mountPoint);
      if (why) return refusePlan(head, describeUnsafe('mount point', mount.mountPoint, why));
    }
    const shared = selected.filter((m) => isSharedFilesystem(m.fsType));
    const sharedList = shared.map((m) => `${m.mountPoint} (${describeMount(m)})`).join(', ');
    if (shared.length > 0 && !options.force) {
      return refusePlan(head, `shared filesystem mounted below the cluster directories: ${sharedList}; unmount it or pass --force`);
    }
    const notes = shared.length > 0 ? [`--force: unmounting shared filesystem(s) ${sharedList}`] : [];
    const dedicated = findDedicatedMounts(facts).filter((d) => isUnderMountTrees(d.path, trees));
    const kept = new Set(dedicated.map((d) => d.mount.id));
    const order = unmountOrder(selected.filter((m) => !kept.has(m.id)), all);
    if (order.length > 0) {
      for (const d of dedicated) notes.push(`${d.path} is a dedicated filesystem (${describeMount(d.mount)}, from ${d.origin}): kept mounted`);
      notes.push('a busy mount is retried after 1s, then lazily unmounted (umount -l), reported on stderr');
    }
    return makePlan(
      head,
      {
        artifacts: order.map((m) => ({ category: 'mounts', name: m.mountPoint, detail: describeMount(m) })),
        commands: order.map((m) => unmountCommand(m.mountPoint)),
        notes,
      },
      kept.size > 0
        ? `already clean: nothing to unmount at or below ${trees.join(' or ')} (dedicated filesystem kept mounted: ${dedicated.map((d) => d.path).join(', ')})`
        : `already clean: nothing mounted at or below ${trees.join(' or ')}`,
    );
  },
};
