// Step 2: docker — the cluster's containers (rm -f), then the cluster's volumes; images only with
// --remove-images. Containers that are not the cluster's (src/recipe/ownership.ts) refuse the host,
// unless --all-containers (remove everything, as the reference procedure does) or
// --keep-other-containers (clean the cluster's, leave the rest). No docker is fine (skipped with
// that reason); a daemon that does not answer is a failure.
import type { DockerContainer, DockerImage, DockerVolume } from '../facts/docker.js';
import { classifyDocker } from '../ownership.js';
import { describeUnsafe, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { count, failPlan, makePlan, refusePlan } from './common.js';
import { batches, removeContainers, removeImages, removeVolumes } from './docker-commands.js';
import { foreignRefusal, isImageOfKept, keptArtifacts, keptNote } from './docker-kept.js';

const head = { id: 'docker', title: 'Remove docker containers, volumes and (optionally) images' };

export const dockerStep: Step = {
  ...head,
  description:
    "Removes the cluster's docker containers (docker rm -f), then their volumes; images only with --remove-images. " +
    "Other containers refuse the host unless --all-containers (remove all) or --keep-other-containers (leave them). " +
    'Skipped when docker is not installed; fails when its daemon does not answer.',
  plan(facts, options) {
    const docker = facts.docker;
    if (docker.status === 'absent') return makePlan(head, {}, 'docker not installed');
    if (docker.status === 'unreachable') return failPlan(head, docker.error);
    for (const volume of docker.volumes) {
      const why = unsafeNameReason(volume.name);
      if (why) return refusePlan(head, describeUnsafe('docker volume', volume.name, why));
    }
    const owner = classifyDocker(docker.containers, docker.volumes);
    const all = options.allContainers === true;
    const kept = all ? [] : keptArtifacts(owner);
    if (!all && owner.foreignContainers.length > 0 && options.keepOtherContainers !== true) {
      return refusePlan(head, foreignRefusal(owner.foreignContainers), [], kept);
    }
    const containers = all ? docker.containers : owner.clusterContainers;
    const volumes = all ? docker.volumes : owner.clusterVolumes;
    const images = all ? docker.images : docker.images.filter((image) => !isImageOfKept(image, owner.foreignContainers));
    const { tools } = facts;
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = kept.length > 0 ? [keptNote(owner)] : [];
    artifacts.push(...containers.map(containerArtifact));
    commands.push(...batches(containers.map((c) => c.id)).map((ids) => removeContainers(tools, ids)));
    artifacts.push(...volumes.map(volumeArtifact));
    commands.push(...batches(volumes.map((v) => v.name)).map((names) => removeVolumes(tools, names)));
    if (options.removeImages) {
      artifacts.push(...images.map(imageArtifact));
      commands.push(...batches(images.map((i) => i.id)).map((ids) => removeImages(tools, ids)));
      const needed = docker.images.length - images.length;
      if (needed > 0) notes.push(`${count(needed, 'image')} kept: used by containers that are not the cluster's`);
    } else if (docker.images.length > 0) {
      notes.push(`${count(docker.images.length, 'image')} kept (--remove-images removes them)`);
    }
    const what = options.removeImages ? 'no containers, volumes or images' : 'no containers or volumes';
    return makePlan(head, { artifacts, commands, notes, kept }, `already clean: ${what}${kept.length > 0 ? " of the cluster's" : ''}`);
  },
};

function containerArtifact(c: DockerContainer): Artifact {
  return { category: 'containers', name: c.id, detail: `${c.names.join(',')} (${c.image}, ${c.state})` };
}

function volumeArtifact(v: DockerVolume): Artifact {
  return { category: 'volumes', name: v.name, detail: `driver ${v.driver}` };
}

function imageArtifact(image: DockerImage): Artifact {
  return { category: 'images', name: image.id, detail: image.tags.length > 0 ? image.tags.join(', ') : '<none>' };
}
