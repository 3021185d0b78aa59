// What the docker step leaves because it is not the cluster's: the refusal line that lists it, the
// kept artifacts `plan` shows, and the images those containers still need.
import type { DockerContainer, DockerImage } from '../facts/docker.js';
import { containerName, type DockerOwnership } from '../ownership.js';
import type { Artifact } from '../types.js';
import { count } from './common.js';

/** At most this many containers are named in the one-line refusal (plan --detail/--json list all). */
const NAMED_IN_REFUSAL = 10;

function describeContainer(container: DockerContainer): string {
  const volumes = container.volumes.length > 0 ? `volumes ${container.volumes.join(', ')}` : 'no volumes';
  return `${containerName(container)} (image ${container.image}; ${volumes})`;
}

/** "2 containers are not the cluster's: registry (image registry:2; volumes registry-data), … — refusing; …". */
export function foreignRefusal(foreign: readonly DockerContainer[]): string {
  // By name, so the same host gives the same line whatever order docker lists them in.
  const sorted = [...foreign].sort((a, b) => containerName(a).localeCompare(containerName(b)));
  const named = sorted.slice(0, NAMED_IN_REFUSAL).map(describeContainer);
  if (foreign.length > NAMED_IN_REFUSAL) named.push(`+${foreign.length - NAMED_IN_REFUSAL} more`);
  const verb = foreign.length === 1 ? 'is' : 'are';
  return `${count(foreign.length, 'container')} ${verb} not the cluster's: ${named.join(', ')} — refusing; ` +
    '--all-containers removes them and their volumes too, --keep-other-containers cleans the cluster\'s around them';
}

/** Everything of docker's that stays, for `plan` (listed as not the cluster's). */
export function keptArtifacts(owner: DockerOwnership): Artifact[] {
  return [
    ...owner.foreignContainers.map((c): Artifact => ({ category: 'containers', name: c.id, detail: `${containerName(c)} (${c.image}, ${c.state})` })),
    ...owner.foreignVolumes.map(({ volume, why }): Artifact => ({ category: 'volumes', name: volume.name, detail: `driver ${volume.driver}; ${why}` })),
  ];
}

/** "kept, not the cluster's: 2 containers (registry, rancher), 3 volumes". */
export function keptNote(owner: DockerOwnership): string {
  const parts: string[] = [];
  if (owner.foreignContainers.length > 0) {
    parts.push(`${count(owner.foreignContainers.length, 'container')} (${owner.foreignContainers.map(containerName).join(', ')})`);
  }
  if (owner.foreignVolumes.length > 0) {
    parts.push(`${count(owner.foreignVolumes.length, 'volume')} (${owner.foreignVolumes.map((v) => v.volume.name).join(', ')})`);
  }
  return `kept, not the cluster's: ${parts.join(', ')}`;
}

/** `registry` means `registry:latest`; `docker.io/library/x` is listed by `docker images` as `x`. */
function normalizeReference(reference: string): string {
  const short = reference.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const name = short.split('@')[0];
  return /:[^/]*$/.test(name) ? name : `${name}:latest`;
}

/** The image a kept container was created from must stay: matched by tag or by (short) id. */
export function isImageOfKept(image: DockerImage, kept: readonly DockerContainer[]): boolean {
  return kept.some((c) => {
    const hex = c.image.replace(/^sha256:/, '');
    if (/^[0-9a-f]{12,64}$/.test(hex) && image.id.startsWith(`sha256:${hex}`)) return true;
    return image.tags.includes(normalizeReference(c.image));
  });
}
