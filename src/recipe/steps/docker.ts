// Step 2: docker — every container (rm -f), then every volume; images only with --remove-images.
// No docker is fine (skipped with that reason); a daemon that does not answer is a failure.
import { describeUnsafe, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { count, failPlan, makePlan, refusePlan } from './common.js';
import { batches, removeContainers, removeImages, removeVolumes } from './docker-commands.js';

const head = { id: 'docker', title: 'Remove docker containers, volumes and (optionally) images' };

export const dockerStep: Step = {
  ...head,
  description:
    'Removes every docker container (docker rm -f), then every volume; images only with --remove-images. ' +
    'Skipped when docker is not installed; fails when its daemon does not answer.',
  plan(facts, options) {
    const docker = facts.docker;
    if (docker.status === 'absent') return makePlan(head, {}, 'docker not installed');
    if (docker.status === 'unreachable') return failPlan(head, docker.error);
    for (const volume of docker.volumes) {
      const why = unsafeNameReason(volume.name);
      if (why) return refusePlan(head, describeUnsafe('docker volume', volume.name, why));
    }
    const { tools } = facts;
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = [];
    for (const c of docker.containers) {
      artifacts.push({ category: 'containers', name: c.id, detail: `${c.names.join(',')} (${c.image}, ${c.state})` });
    }
    commands.push(...batches(docker.containers.map((c) => c.id)).map((ids) => removeContainers(tools, ids)));
    for (const v of docker.volumes) artifacts.push({ category: 'volumes', name: v.name, detail: `driver ${v.driver}` });
    commands.push(...batches(docker.volumes.map((v) => v.name)).map((names) => removeVolumes(tools, names)));
    if (options.removeImages) {
      for (const image of docker.images) {
        artifacts.push({ category: 'images', name: image.id, detail: image.tags.length > 0 ? image.tags.join(', ') : '<none>' });
      }
      commands.push(...batches(docker.images.map((i) => i.id)).map((ids) => removeImages(tools, ids)));
    } else if (docker.images.length > 0) {
      notes.push(`${count(docker.images.length, 'image')} kept (--remove-images removes them)`);
    }
    const what = options.removeImages ? 'no containers, volumes or images' : 'no containers or volumes';
    return makePlan(head, { artifacts, commands, notes }, `already clean: ${what}`);
  },
};
