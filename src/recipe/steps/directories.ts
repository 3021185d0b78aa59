// Step 4: remove the reference's 16 paths, only once no mount remains below them. A symlink is
// removed as a link (never followed). The command carries its own guard: if mountinfo still shows
// a mount at or below the path, it refuses instead of removing (with GNU rm, --one-file-system too).
// A dedicated filesystem at one of the paths (from /etc/fstab or a mount unit) is emptied in place.
import { CLEANUP_DIRECTORIES } from '../catalogue.js';
import type { DirectoryEntry } from '../facts/directories.js';
import type { PathType } from '../facts/path-shape.js';
import type { Facts } from '../probe/probe.js';
import { encodeMountField } from '../facts/mounts.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { findDedicatedMounts, type DedicatedMount } from '../mount-config/dedicated.js';
import { isAtOrBelow, makePlan, refusePlan } from './common.js';
import { emptyInPlaceCommand } from './empty-in-place.js';
import { isUnderMountTrees, mountTrees } from './mounts.js';
import { customDataDirProblem } from '../data-dir.js';

const head = { id: 'directories', title: 'Remove cluster directories and files' };

/** Guarded removal; a failure caused by the immutable attribute is retried after clearing it. */
export function removeCommand(entry: DirectoryEntry, facts: Facts): string {
  const q = shellQuote(entry.path);
  if (entry.type === 'symlink') return `rm -f ${q}`;
  const escaped = encodeMountField(entry.path);
  const guard = `grep -qF -e ${shellQuote(` ${escaped} `)} -e ${shellQuote(` ${escaped}/`)} /proc/self/mountinfo`;
  const refuse = `printf '%s\\n' ${shellQuote(`nodescrub: refusing to remove ${entry.path}: a mount remains at or below it`)} >&2; false`;
  const rm = `rm -rf${facts.tools.rmOneFileSystem ? ' --one-file-system' : ''} ${q}`;
  const remove = facts.tools.chattr ? `${rm} || { chattr -R -i ${q} 2>/dev/null; ${rm}; }` : rm;
  return `if ${guard}; then ${refuse}; else ${remove}; fi`;
}

function describeEntry(entry: DirectoryEntry, dedicated?: DedicatedMount): string {
  const size = entry.sizeKiB === null ? 'size unknown' : `${entry.sizeKiB} KiB`;
  const parts = entry.type === 'symlink' ? ['symlink'] : [entry.type, size];
  if (entry.immutable) parts.push('immutable');
  if (dedicated) parts.push(`emptied in place (dedicated filesystem from ${dedicated.origin})`);
  return parts.join(', ');
}

/**
 * On containerd nodes: the distribution's config dirs (/etc/rancher/{rke2,k3s,node,agent}) and a
 * custom data dir (a default one is below /var/lib/rancher, among the 16). Measured by nothing but
 * their type: the plan shows them, the removal is guarded like the others.
 */
function distributionEntries(facts: Facts): DirectoryEntry[] {
  const custom = facts.containerd.distributions.filter((d) => d.customDataDir).map((d) => ({ path: d.dataDir, type: d.dataDirType }));
  return [...facts.containerd.state, ...custom].map(({ path, type }) => typedEntry(path, type));
}

/** A path known only by its type (not measured): removed with the same guards as the 16. */
export function typedEntry(path: string, type: PathType): DirectoryEntry {
  return { path, type, sizeKiB: null, immutable: null, inode: null, empty: null };
}

export const directoriesStep: Step = {
  ...head,
  description: `Removes ${CLEANUP_DIRECTORIES.join(' ')}, and on RKE2/K3s nodes /etc/rancher/{rke2,k3s,node,agent} and a ` +
    'custom data dir (data-dir: in config.yaml; refused when it is a system directory or does not look like a data dir) ' +
    `(rm -rf --one-file-system where rm has it, each guarded ` +
    'by a mountinfo check; symlinks removed as links; the immutable attribute cleared if it blocks removal). ' +
    'A dedicated filesystem at one of them (listed in /etc/fstab or a systemd mount unit) stays mounted and is ' +
    'emptied in place (lost+found kept); empty, it counts as clean.',
  plan(facts) {
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = [];
    const seen = new Map<string, string>();
    const dedicated = new Map(findDedicatedMounts(facts).map((d) => [d.path, d]));
    const keptEmpty: string[] = [];
    const trees = mountTrees(facts);
    for (const dist of facts.containerd.distributions) {
      const problem = customDataDirProblem(dist);
      if (problem) return refusePlan(head, `${problem}: refusing to remove it; remove it by hand or correct the config`);
    }
    for (const entry of [...facts.directories.entries, ...distributionEntries(facts)].filter((e) => e.type !== 'absent')) {
      const why = unsafeNameReason(entry.path);
      if (why) return refusePlan(head, describeUnsafe('path', entry.path, why));
      // Two names for one directory (/var/run -> /run): remove and count it once.
      const twin = entry.type !== 'symlink' && entry.inode ? seen.get(entry.inode) : undefined;
      if (twin) {
        notes.push(`${entry.path} is the same directory as ${twin}`);
        continue;
      }
      if (entry.inode && entry.type !== 'symlink') seen.set(entry.inode, entry.path);
      const own = entry.type === 'directory' ? dedicated.get(entry.path) : undefined;
      const blocking = entry.type === 'symlink' ? [] : facts.mounts.mounts.filter(
        (m) => isAtOrBelow(m.mountPoint, entry.path) && !isUnderMountTrees(m.mountPoint, trees) && m.id !== own?.mount.id,
      );
      if (blocking.length > 0) {
        const list = blocking.map((m) => `${JSON.stringify(m.mountPoint)} (${m.fsType} ${m.source})`).join(', ');
        return refusePlan(head, `${entry.path} has a mount nodescrub does not unmount: ${list}; unmount it first`);
      }
      if (own && entry.empty === true) {
        keptEmpty.push(entry.path);
        continue;
      }
      artifacts.push({ category: 'directories', name: entry.path, detail: describeEntry(entry, own) });
      commands.push(own ? emptyInPlaceCommand(entry.path, facts) : removeCommand(entry, facts));
    }
    const distributions = facts.containerd.distributions.map((d) => d.name);
    if (commands.length > 0 && distributions.length > 0) {
      // So the operator knows the node can be re-installed or rejoined without fetching anything.
      notes.push(`${distributions.join(' and ')}: binaries (/usr/local/bin/${distributions.join(', /usr/local/bin/')}, the killall and uninstall scripts) and unit files are kept`);
    }
    if (commands.length > 0 && !facts.tools.rmOneFileSystem) {
      notes.push('rm lacks --one-file-system (busybox): each removal is guarded by a mountinfo check only');
    }
    const clean = keptEmpty.length > 0
      ? `already clean: of the ${CLEANUP_DIRECTORIES.length} paths only ${keptEmpty.join(', ')} exist(s), kept as an empty dedicated filesystem`
      : `already clean: none of the ${CLEANUP_DIRECTORIES.length} paths exists`;
    return makePlan(head, { artifacts, commands, notes }, clean);
  },
};
