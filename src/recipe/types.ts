// The recipe's public contract with the runner: steps turn facts into commands (or a reason not to).
import type { Facts } from './probe/probe.js';
import type { ProbeSection } from './probe/section.js';

export type { ProbeSection } from './probe/section.js';

export type { Facts, CustomFact } from './probe/probe.js';
export type { ClusterDataFacts, DataPathEntry } from './facts/cluster-data.js';
export type { DirectoryEntry, DirectoryFacts } from './facts/directories.js';
export type { ContainerdDaemon, ContainerdFacts, ContainerdShim, ContainerdTask, DistributionFacts } from './facts/containerd.js';
export type { DockerContainer, DockerFacts, DockerImage, DockerVolume } from './facts/docker.js';
export type { ProbeFacts, ToolFacts } from './facts/host.js';
export type { InterfaceFacts, NetLink } from './facts/interfaces.js';
export type { IptablesBackend, IptablesDump, IptablesFacts, IptablesFamily } from './facts/iptables.js';
export type { IptablesChain, IptablesRule, IptablesTable } from './facts/iptables-save.js';
export type { MountConfigFacts } from './facts/mount-config.js';
export type { Mount, MountFacts } from './facts/mounts.js';
export type { PathType } from './facts/path-shape.js';
export type { ProcessInfo, ServiceFacts, UnitState } from './facts/services.js';
export type { SshConnection, SshFacts } from './facts/ssh.js';
export type { FstabEntry } from './mount-config/fstab.js';
export type { MountUnit } from './mount-config/mount-units.js';

export type Category =
  | 'services'
  | 'containers'
  | 'volumes'
  | 'images'
  | 'mounts'
  | 'directories'
  | 'interfaces'
  | 'iptables';

/** One thing a step removes. `name` is exact (container id, mount point, chain, rule line): it is
 * also the identity used to match a plan against verification. `detail` is for humans. */
export interface Artifact {
  category: Category;
  name: string;
  detail?: string;
}

export interface RecipeOptions {
  removeImages: boolean;
  force: boolean;
  /** Remove every container and volume, the cluster's or not (the reference procedure). Absent: false. */
  allContainers?: boolean;
  /** Clean the cluster's containers and volumes and leave the others instead of refusing the host. */
  keepOtherContainers?: boolean;
}

/** What one step will do on one host. A pure function of facts: a clean host yields no artifacts. */
export interface StepPlan {
  stepId: string;
  title: string;
  /** What this step removes (what `plan` shows, what `run` reports). */
  artifacts: Artifact[];
  /** POSIX sh commands, each safe on its own, in order; empty when noop. */
  commands: string[];
  /** Why nothing is to be done ("already clean: …", "docker not installed"). */
  noop?: string;
  /** The host must be refused before anything destructive (network fs without --force, unsafe name). */
  refusal?: string;
  /** A hard failure already known from facts (docker daemon not answering). */
  failure?: string;
  /** Things that cannot go now and go at reboot (tunl0 held by the ipip module): not failures. */
  deferred?: Artifact[];
  /** Things seen and left on purpose because they are not the cluster's (a registry container and
   * its volume): never removed, never a leftover. */
  kept?: Artifact[];
  notes: string[];
}

export interface Step {
  id: string;
  title: string;
  description: string;
  /** A step's own read-only probe section (user recipe steps); built-in steps read the shared facts. */
  probe?: ProbeSection;
  plan(facts: Facts, options: RecipeOptions): StepPlan;
}
