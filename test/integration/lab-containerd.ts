// Helpers for the lab's containerd node kinds (rke2, k3s, kubeadm; issue 16): their status line, the seed's
// report and the by-hand reference cleanup. The oracle itself is scripts/lab.d/status-containerd.sh.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, labDir, labStatus, type LabRunOptions } from './lab.js';

export type ContainerdKind = 'rke2' | 'k3s' | 'kubeadm';

/** Every count must be 0 for `clean` (see scripts/lab.d/README.md, "containerd node kinds"). */
export const CONTAINERD_LEFTOVER_KEYS = [
  'shims',
  'pod_processes',
  'cluster_containerd',
  'mounts',
  'cni_netns',
  'units',
  'directories',
  'k8s_content',
  'net_links',
  'net_chains',
  'net_rules',
  'nft_tables',
  'cni_state',
] as const;
export type ContainerdLeftoverKey = (typeof CONTAINERD_LEFTOVER_KEYS)[number];

const COMMON_KEEPERS = [
  'binaries',
  'unit_files',
  'eth0',
  'hostname',
  'users',
  'sudoers',
  'sshd_config',
  // the network near misses of issue 17 (an empty list holds)
  'net_decoy_links',
  'net_decoy_chains',
  'net_decoy_rules',
  'nft_keep',
  'cni_state_keep',
] as const;
/** Every keeper must hold for `intact`; the RKE2 node has a system containerd, the K3s node near misses,
 * the kubeadm node docker's `moby` namespace on its (system) containerd. */
export const CONTAINERD_KEEPER_KEYS = {
  rke2: [
    ...COMMON_KEEPERS,
    'system_containerd',
    'keeper_task',
    'containerd_unit',
    'backup_netns',
    'keep_bridge',
    'backup_data',
    'backup_config',
  ],
  k3s: [...COMMON_KEEPERS, 'notes_unit', 'notes_tmpfs', 'backup_data', 'backup_config'],
  kubeadm: [
    ...COMMON_KEEPERS,
    'system_containerd',
    'keeper_task',
    'keeper_image',
    'keeper_rootfs',
    'containerd_unit',
    'containerd_config',
    'backup_data',
    'backup_config',
  ],
} as const satisfies Record<ContainerdKind, readonly string[]>;

/** One `scripts/lab status` line of a containerd-kind node. */
export interface ContainerdLabStatus {
  node: string;
  reachable: boolean;
  leftovers: Record<ContainerdLeftoverKey, number> | null;
  keepers: Record<string, boolean> | null;
  dockerd: boolean | null;
  clean: boolean;
  intact: boolean;
  expectedStatus: string;
  /** Reported, never judged: the cluster unit's state and the pod network interfaces left. */
  info?: { unit: string; active: string; enabled: string; interfaces: number };
}

export function containerdStatus(nodes: string[], options: LabRunOptions = {}): ContainerdLabStatus[] {
  return labStatus<ContainerdLabStatus>(nodes, options);
}

/** What the last seed of a containerd-kind node made (seed.json). */
export interface ContainerdSeedReport {
  kind: ContainerdKind;
  dataDir: string;
  unit: string;
  pods: Array<{ uid: string; netns: string; veth: string; sandbox: string; container: string }>;
}

export function containerdSeedReport(node: string, dir = labDir()): ContainerdSeedReport {
  return JSON.parse(readFileSync(join(dir, 'nodes', node, 'seed.json'), 'utf8')) as ContainerdSeedReport;
}

/** The by-hand cleanup of a failed RKE2/K3s node (rke2-killall-like) or kubeadm node (kubeadm reset-like);
 * run it with `sh -s KIND DATA_DIR`. */
export const CONTAINERD_REFERENCE_CLEANUP = readFileSync(
  join(REPO_ROOT, 'scripts/lab.d/reference-cleanup-containerd.sh'),
  'utf8',
);
