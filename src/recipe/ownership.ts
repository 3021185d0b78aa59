// Whose is a docker container or volume: the cluster's (removed) or someone else's (a registry, a CI
// runner, the Rancher server — kept, and the host refused unless told otherwise). The one rule;
// the names it matches are in catalogue.ts.
import { AGENT_IMAGE, CLUSTER_LABEL_PREFIXES, POD_CONTAINER_PREFIX, RKE_HELPER_PREFIX, RKE_IMAGE, RKE_SYSTEM_CONTAINERS } from './catalogue.js';
import type { DockerContainer, DockerVolume } from './facts/docker.js';

function isRkeSystemName(name: string): boolean {
  return (RKE_SYSTEM_CONTAINERS as readonly string[]).includes(name) || name.startsWith(RKE_HELPER_PREFIX);
}

function clusterLabel(labels: Record<string, string>): string | undefined {
  return Object.keys(labels).find((key) => CLUSTER_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix)));
}

/**
 * Why a container is the cluster's, or null when nothing says so: it runs the rancher-agent image;
 * its name starts with exactly `k8s_` (the kubelet's pod containers); it carries an `io.kubernetes.*`
 * or `io.rancher.rke.*` label; or it is one of RKE's system containers by name AND image (a name
 * alone proves nothing: anyone may call a container `etcd` or `kubelet-backup`).
 */
export function clusterEvidence(container: DockerContainer): string | null {
  if (AGENT_IMAGE.test(container.image)) return 'rancher-agent image';
  if (container.names.some((name) => name.startsWith(POD_CONTAINER_PREFIX))) return `${POD_CONTAINER_PREFIX} pod container`;
  const label = clusterLabel(container.labels);
  if (label !== undefined) return `label ${label}`;
  if (RKE_IMAGE.test(container.image) && container.names.some(isRkeSystemName)) return 'RKE system container';
  return null;
}

export function isClusterContainer(container: DockerContainer): boolean {
  return clusterEvidence(container) !== null;
}

export interface ForeignVolume {
  volume: DockerVolume;
  /** "used by registry", "dangling: no label says the cluster made it". */
  why: string;
}

export interface DockerOwnership {
  clusterContainers: DockerContainer[];
  foreignContainers: DockerContainer[];
  clusterVolumes: DockerVolume[];
  foreignVolumes: ForeignVolume[];
}

/** The container's name for people (a container always has one; the id when it somehow has not). */
export function containerName(container: DockerContainer): string {
  return container.names.join(',') || container.id.slice(0, 12);
}

/**
 * Volumes follow their users: one used (mounted by any container, running or not) only by the
 * cluster's containers is the cluster's; one used by any other container never is. A dangling
 * volume (no container uses it) is the cluster's only with a label saying so. Docker records
 * nothing else about who made a volume — docker 20.10 labels not even anonymous ones, and neither
 * RKE nor the kubelet label theirs — so a dangling volume without that label is treated as someone
 * else's data and kept (it is inert: it re-creates nothing); --all-containers removes it.
 */
export function classifyDocker(containers: readonly DockerContainer[], volumes: readonly DockerVolume[]): DockerOwnership {
  const clusterContainers = containers.filter(isClusterContainer);
  const foreignContainers = containers.filter((c) => !isClusterContainer(c));
  const users = new Map<string, DockerContainer[]>();
  for (const container of containers) {
    for (const name of container.volumes) users.set(name, [...(users.get(name) ?? []), container]);
  }
  const clusterVolumes: DockerVolume[] = [];
  const foreignVolumes: ForeignVolume[] = [];
  for (const volume of volumes) {
    const by = users.get(volume.name) ?? [];
    const foreignUsers = by.filter((c) => !isClusterContainer(c));
    if (foreignUsers.length > 0) foreignVolumes.push({ volume, why: `used by ${foreignUsers.map(containerName).join(', ')}` });
    else if (by.length > 0) clusterVolumes.push(volume);
    else if (volume.labels !== null && clusterLabel(volume.labels) !== undefined) clusterVolumes.push(volume);
    else foreignVolumes.push({ volume, why: volume.labels === null ? 'dangling: its label list cannot be read unambiguously' : 'dangling: no label says the cluster made it' });
  }
  return { clusterContainers, foreignContainers, clusterVolumes, foreignVolumes };
}
